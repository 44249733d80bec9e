"""``python -m helpers --root data``: find FashionMNIST, extract it once and check it."""

from .data import main

raise SystemExit(main())
