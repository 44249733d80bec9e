"""``python -m helpers --root data``: find FashionMNIST, extract it once and check it.
``python -m helpers doctor``: check Python, the packages, the device, the data and JupyterLab's widgets.
``python -m helpers progress``: re-run each notebook up to its last check and list which exercises pass."""

import sys

if sys.argv[1:2] == ["doctor"]:
    from .doctor import main

    raise SystemExit(main(sys.argv[2:]))

if sys.argv[1:2] == ["progress"]:
    from .progress import main

    raise SystemExit(main(sys.argv[2:]))

from .data import main  # noqa: E402

raise SystemExit(main())
