"""Biometric quality and matching (Qt-free): fingerprint quality, minutiae, matcher, WSQ, capture checks.

Fingerprint modules, one job each:
  fp_enhance     - segmentation, orientation field, ridge period, Gabor enhancement (shared by the others)
  fp_quality     - NFIQ 2-style quality score 0-100 with bilingual reasons, best-of-tries
  minutiae       - minutiae extraction and the compact template format
  fp_matcher     - minutiae matcher (edges, root pairs, pairing crawl), score and decision threshold
  fp_consistency - same finger twice / fingers in the wrong order within one person's capture
  fp_codec       - WSQ encode/decode for packets
"""
