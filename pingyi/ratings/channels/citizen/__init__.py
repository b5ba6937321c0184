"""The citizen channel: the applicant rates on the page of a QR poster (``/r/W…``, a window) or of a receipt
(``/r/R…``, a service record), as an HTML form or, with rate.js, a JSON post.

``adapter`` hands the page's answer to the door; ``views`` is the page, ``forms`` its form, ``answers`` what the
citizen is told. On PostgreSQL the plain JSON posts of a poster are taken before Django by
``pingyi.ratings.intake.wsgi``, which reads the same form fields and gives the same answers.
"""
