"""``python -m helpers --root data``: find FashionMNIST, extract it once and check it.
``python -m helpers doctor``: check Python, the packages, the device, the data and JupyterLab's widgets.
``python -m helpers progress``: list which exercises pass (``--saved``: as saved, ``--json``: one line for the room).
``python -m helpers room FOLDER``: the room's pasted ``progress --json`` lines as one table."""

import sys

if sys.argv[1:2] == ["doctor"]:
    from .course.doctor import main

    raise SystemExit(main(sys.argv[2:]))

if sys.argv[1:2] == ["progress"]:
    from .course.progress import main

    raise SystemExit(main(sys.argv[2:]))

if sys.argv[1:2] == ["room"]:
    from .course.progress import room_main

    raise SystemExit(room_main(sys.argv[2:]))

from .course.offline import main  # noqa: E402

raise SystemExit(main())
