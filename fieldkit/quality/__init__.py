"""Face quality for the ID portrait: ICAO/ISO checks on one image, live preview assessment, auto-capture.

Qt-free. Images are OpenCV BGR uint8 arrays. Start with `fieldkit.quality.face.assess_face`; thresholds
and their sources are in `fieldkit.quality.thresholds`; docs/face-quality.md explains the measures.
"""
