"""The SMS reply channel: the applicant answers an invitation (``pingyi.sms``) with a digit of the menu; the reply
rates the invited service record (stage 办结).

``adapter`` hands the rating to the door. The invitation, the gateway's webhook and the answers are the ``sms``
app's (``pingyi.sms.services.sms_inbound``, mounted by ``pingyi.sms.urls``).
"""
