"""Choose the camera simulator's derived face identities by measurement (re-run when the warp changes).

For each real photo, candidate seeds are rendered through the simulator frontally (studio, 640x480) and another
way (turned 12°, side light, farther, cluttered room, darker) and encoded with the kit's face encoder; a
candidate is kept when, in every frontal/other-scene combination, it lies at least `--margin` beyond the kit's
duplicate threshold from every identity kept so far (real ones first), and its two renderings lie within the
threshold minus the margin of each other.
Prints the DERIVED tuple for drivers/synthetic/face_scenes.py and the distance figures for the docs.

    .venv/bin/python packaging/select_face_identities.py --candidates 12
"""

from __future__ import annotations

import argparse
import itertools

import numpy as np

from drivers.synthetic import face_scenes as fs
from fieldkit.dedup.detector import FACE_DISTANCE_THRESHOLD
from fieldkit.dedup.encoding import NoFaceError, face_encoding

FRONTAL = dict(background="studio")
OTHER = dict(background="room", yaw=12.0, light_gradient=0.4, distance=1.3, exposure=0.9)


def encode(sitter_id: str, **scene) -> np.ndarray | None:
    renderer = fs.SceneRenderer(seed=3)
    frame = renderer.composite(fs.Scene(sitter=sitter_id, noise=0.0, **scene), 640, 480)
    try:
        return face_encoding(np.ascontiguousarray(frame))
    except NoFaceError:
        return None


def add_candidate(photo: str, seed: int) -> str:
    sitter_id = f"{photo}~{seed}"
    fs.SITTERS[sitter_id] = fs.Sitter(sitter_id, f"{fs.REAL_PEOPLE[photo]}-d{seed}", photo, derive=seed,
                                      strength=fs.DERIVE_STRENGTH)
    return sitter_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=12, help="seeds tried per photo")
    parser.add_argument("--margin", type=float, default=0.08, help="required distance beyond the threshold")
    args = parser.parse_args()
    threshold = FACE_DISTANCE_THRESHOLD
    kept: dict[str, np.ndarray] = {}
    other_scene: dict[str, np.ndarray] = {}
    within: dict[str, float] = {}
    for photo in fs.REAL_PEOPLE:
        kept[photo], other_scene[photo] = encode(photo, **FRONTAL), encode(photo, **OTHER)
        within[photo] = float(np.linalg.norm(kept[photo] - other_scene[photo]))
    chosen = []
    for seed, photo in itertools.product(range(1, args.candidates + 1), fs.REAL_PEOPLE):
        sitter_id = add_candidate(photo, seed)
        a, b = encode(sitter_id, **FRONTAL), encode(sitter_id, **OTHER)
        if a is None or b is None:
            print(f"{sitter_id}: no face found, skipped")
            continue
        # a probe and a gallery entry may each be frontal or from the other scene: all must stay apart
        nearest = min(min(float(np.linalg.norm(a - e)), float(np.linalg.norm(b - e)),
                          float(np.linalg.norm(a - other_scene[k]))) for k, e in kept.items())
        same = float(np.linalg.norm(a - b))
        verdict = nearest >= threshold + args.margin and same < threshold - args.margin
        print(f"{sitter_id}: nearest other {nearest:.3f}, same face other scene {same:.3f} -> "
              f"{'kept' if verdict else 'dropped'}")
        if verdict:
            kept[sitter_id], other_scene[sitter_id], within[sitter_id] = a, b, same
            chosen.append((photo, seed))
    names = list(kept)
    between = [float(np.linalg.norm(p - q)) for x, y in itertools.combinations(names, 2)
               for p, q in ((kept[x], kept[y]), (other_scene[x], kept[y]), (kept[x], other_scene[y]))]
    print(f"\nDERIVED = {tuple(chosen)!r}")
    print(f"identities: {len(names)} ({len(fs.REAL_PEOPLE)} real + {len(chosen)} derived), threshold {threshold}")
    print(f"between identities: min {min(between):.3f}, median {np.median(between):.3f}")
    print(f"same identity, other scene: max {max(within.values()):.3f}, median {np.median(list(within.values())):.3f}")


if __name__ == "__main__":
    main()
