"""Certificate login: a single-use challenge signed with the certificate's key, or a TLS client certificate
passed by a trusted proxy; the chain, dates and revocation checked against the tenant's trust store."""
