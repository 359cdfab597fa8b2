"""Run once after `migrate`: the console as a CAS service with single logout, releasing the
attributes named on the command line. Usage: setup_data.py PATTERN ATTRIBUTE..."""

import sys

import django


def main(pattern, attributes):
    django.setup()
    from cas_server.models import ReplaceAttributName, ServicePattern

    service, _ = ServicePattern.objects.update_or_create(
        name="console", defaults={"pattern": pattern, "single_log_out": True, "pos": 100}
    )
    for name in attributes:
        ReplaceAttributName.objects.get_or_create(name=name, replace="", service_pattern=service)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
