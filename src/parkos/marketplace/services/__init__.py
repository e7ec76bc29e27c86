"""Every write of the supermarket, by subdomain: catalogue, orders, vouchers, quality."""
