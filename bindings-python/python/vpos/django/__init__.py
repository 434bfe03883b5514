"""vpos.django: a reusable Django app for vpos gateways (FloCash first).

Add ``"vpos.django"`` to ``INSTALLED_APPS`` (app label ``vpos``), include ``vpos.django.urls``
and describe each gateway under the ``VPOS`` setting; see the package README.
"""
