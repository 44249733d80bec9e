"""The course's machinery, which a learner never needs to open.

- ``exercises``: the checks behind every exercise cell, and the verdicts they record;
- ``progress``: which exercises pass, for one learner (``python -m helpers progress``) or a room;
- ``doctor``: the set-up check (``python -m helpers doctor``), standard library only;
- ``offline``: where FashionMNIST's files come from when torchvision's download is not the way;
- ``i18n`` with its catalogs: the language helpers speaks.

The lesson's modules, one folder up, import from here only ``tr`` (a message in the learner's language)
and, for the data, ``prepare_fashion_mnist`` with its ``DataError``. Nothing here is imported by them otherwise.
"""
