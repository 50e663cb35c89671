"""The kit's benchmarks, in one package above every layer they measure (they may import any of them; no layer
imports this package). `fieldkit bench` lists them (fieldkit/cli/bench_command.py: BENCHMARKS) and
docs/performance.md gives each one's goal, limit and measured figure.

- `records`: record validation, card QR + address conversion
- `packets`: seal + enqueue, the supervisor's list at 100 000 records, the SIGKILL crash trials
- `face_assessment`, `face_search`, `fingerprints`: biometric quality, 1:N search, matcher rates
- `camera_preview`, `fingerprint_transfer`: device paths through the real drivers and their simulators
- `demo_village`: a whole village through the enrolment flow (`fieldkit demo`)
"""
