"""Provider news: published per tenant, important banners, audiences chosen by plugins, RSS/Atom."""
