"""Self-registration of residents (the seed's EIS24 flow) and binding more flats to the same login.

A visitor gives the personal-account number from the payment document, a full name and an e-mail; a
confirmation link goes to that e-mail whatever the number (:mod:`.service`); the link asks for the proof of the
flat — its number as printed on the latest payment document, or, per tenant policy (:mod:`.settings`), the
sum of the last bill and its month (:mod:`.proof`); the login is the e-mail and a random password is mailed.
A logged-in resident binds more flats with the same proof and unbinds them (:mod:`.views`).
"""
