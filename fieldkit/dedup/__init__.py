"""Duplicate detection inside a campaign: the same person enrolled twice under different names.

- `encoding.face_encoding(image)`: the 128-d face_recognition (dlib ResNet) encoding of a photo;
- `index.FaceIndex`: in-memory float32 matrix with vectorised 1:N search (100 000 templates in a few ms);
- `store.TemplateStore`: templates on disk only encrypted (caller-supplied AES-GCM), in memory only
  while unlocked, purged at campaign end;
- `detector.DuplicateDetector.flag_duplicates(...)`: candidates by face and (pluggable) fingerprint.
Qt-free; docs/duplicates.md describes the design and the measured speed.
"""
