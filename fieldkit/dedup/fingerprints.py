"""The kit's fingerprint matcher (fieldkit.biometrics.fp_matcher) as a duplicate-detection comparator.

    compare, threshold = minutiae_comparator()
    detector = DuplicateDetector(store, fingerprint_comparator=compare, fingerprint_threshold=threshold)

Stored fingerprint templates are `fieldkit.biometrics.minutiae.Template.to_bytes()`; the comparator
decodes them (a decoded gallery template is cached by its bytes, so the edge tables the matcher builds
on a template are built once per gallery print, not once per comparison).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable


def minutiae_comparator(cache_size: int = 50_000) -> tuple[Callable[[bytes, bytes], float], float]:
    """(compare(probe bytes, gallery bytes) -> score, decision threshold) from the kit's matcher."""
    from fieldkit.biometrics.fp_matcher import MATCH_THRESHOLD, match_score  # noqa: PLC0415
    from fieldkit.biometrics.minutiae import Template  # noqa: PLC0415

    decoded: OrderedDict[bytes, Template] = OrderedDict()

    def template(data: bytes) -> Template:
        found = decoded.get(data)
        if found is None:
            found = decoded[data] = Template.from_bytes(data)
            if len(decoded) > cache_size:
                decoded.popitem(last=False)
        else:
            decoded.move_to_end(data)
        return found

    def compare(probe: bytes, gallery: bytes) -> float:
        return float(match_score(template(probe), template(gallery)))

    return compare, float(MATCH_THRESHOLD)
