"""The carriers every installation starts with (data migration 0005; tests restore them after
a flush). Admins change them or add their own in the admin."""

DEFAULT_CARRIERS = [
    {
        "code": "ups",
        "name": "UPS",
        "position": 10,
        "services": ["Ground", "3 Day Select", "2nd Day Air", "Next Day Air"],
        "tracking_pattern": r"1Z[0-9A-Z]{16}",
        "tracking_example": "1Z999AA10123456784",
        "tracking_url_template": "https://www.ups.com/track?tracknum={tracking_number}",
    },
    {
        "code": "fedex",
        "name": "FedEx",
        "position": 20,
        "services": ["Ground", "Home Delivery", "Express Saver", "2Day", "Priority Overnight"],
        "tracking_pattern": r"\d{12}|\d{15}|\d{20}|\d{22}",
        "tracking_example": "123456789012",
        "tracking_url_template": "https://www.fedex.com/fedextrack/?trknbr={tracking_number}",
    },
    {
        "code": "usps",
        "name": "USPS",
        "position": 30,
        "services": ["Ground Advantage", "Priority Mail", "Priority Mail Express"],
        "tracking_pattern": r"(94|93|92|95|82)\d{18,20}|\d{20}|[A-Z]{2}\d{9}US",
        "tracking_example": "9400111899223197428490",
        "tracking_url_template": "https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking_number}",
    },
    {
        "code": "dhl",
        "name": "DHL",
        "position": 40,
        "services": ["Express Worldwide", "Express 12:00", "eCommerce"],
        "tracking_pattern": r"\d{10,11}|JJD\d{18,20}|[A-Z]{3}\d{7}|GM\d{16,18}",
        "tracking_example": "1234567890",
        "tracking_url_template": (
            "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={tracking_number}"
        ),
    },
]


def seed_carriers(carrier_model) -> int:
    """Create the default carriers that are missing (existing ones are left as admins set them)."""
    created = 0
    for fields in DEFAULT_CARRIERS:
        _, new = carrier_model.objects.get_or_create(code=fields["code"], defaults=fields)
        created += new
    return created
