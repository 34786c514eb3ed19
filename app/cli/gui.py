"""The desktop app: ``gui`` (the default command) and ``--smoke-test``. Qt is imported only here, and only when
one of them runs."""

from __future__ import annotations

import argparse

from app.cli.common import EXIT_OK
from app.domain.i18n import current_language


def cmd_gui(args: argparse.Namespace) -> int:
    from app.ui.main import run

    return run(args.data_dir, lang=args.lang)


def cmd_smoke_test(args: argparse.Namespace) -> int:
    from app.ui.smoke import smoke_test

    print(smoke_test(args.data_dir, lang=current_language(), user=args.user), flush=True)
    return EXIT_OK
