"""``python -m openai_uploads.emulator [serve options]``."""

from ._cli import serve

if __name__ == "__main__":
    serve(prog_name="python -m openai_uploads.emulator")
