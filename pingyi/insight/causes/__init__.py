"""原因分析 (docs/causes.md): reason tags of 差评 and 基本满意, comment keywords and recurring topics, service items
failing months in a row. ``analysis`` answers for a period, ``base`` holds the selection and thresholds,
``keywords`` and ``text`` the comment words (jieba, with our dictionaries in ``data/``), ``views`` and ``urls`` the
page at /insight/causes/."""
