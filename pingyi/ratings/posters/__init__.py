"""QR posters of windows: issuing and retiring them (``services``), drawing them as SVG and PDF (``render``) and the
back-office pages (``views``, mounted by ``pingyi.ratings.urls.posters``). A poster's scan is the citizen channel's
(``pingyi.ratings.channels.citizen``)."""
