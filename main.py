"""Start the FieldKit desktop app (simulated devices unless settings say otherwise)."""

from fieldkit.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["app", *__import__("sys").argv[1:]]))
