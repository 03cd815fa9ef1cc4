"""The application for special registration (заявление о постановке на специальный учёт): a draft with attached
documents, submitted by the organization, registered (card number and date) or rejected with a reason by the
registry's operator, with an append-only timeline of its statuses and a notice to the organization at each step."""
