"""hostedpay.django: a reusable Django app for vpos gateways (FloCash first).

Add ``"hostedpay.django"`` to ``INSTALLED_APPS`` (app label ``vpos``), include ``hostedpay.django.urls``
and describe each gateway under the ``VPOS`` setting; see the package README.
"""
