"""`python -m onrecord`. Guarded: a spawned worker process (the API's extraction pool)
imports this module again as `__mp_main__`, and must not run the command line a second time."""

from onrecord.cli import app

if __name__ == "__main__":
    app(prog_name="onrecord")
