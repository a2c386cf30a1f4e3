"""Start the dashboard: ``python -m dashboard --out out [--host 127.0.0.1] [--port 8050]``.

Reads the Parquet outputs of the ``--out`` folder in place and prints the address to open.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

T0 = time.monotonic()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    p.add_argument("--out", default="out", help="the run's output folder (default: out)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1; "
                   "0.0.0.0 to let others on the network open it)")
    p.add_argument("--port", type=int, default=8050, help="port (default: 8050)")
    args = p.parse_args(argv)
    out = Path(args.out).expanduser().resolve()
    if not out.is_dir():
        print(f"dashboard: no output folder {out} (run the job first: mvn -q compile exec:exec)",
              file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request

    from .app import create_app

    app = create_app(out)
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    print(f"Dashboard on http://{shown}:{args.port}/  (outputs: {out}; loaded in "
          f"{time.monotonic() - T0:.1f} s; Ctrl-C stops it)", flush=True)
    app.run(host=args.host, port=args.port, debug=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
