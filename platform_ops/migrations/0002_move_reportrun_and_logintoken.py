# ReportRun moves to catalog and LoginToken to accounts. The tables are renamed to the new
# apps' default names and kept with their rows; the new apps take the models over in state
# only (catalog 0002, accounts 0003).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("platform_ops", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="reportrun", table="catalog_reportrun"),
                migrations.AlterModelTable(name="logintoken", table="accounts_logintoken"),
            ],
            state_operations=[
                migrations.DeleteModel(name="ReportRun"),
                migrations.DeleteModel(name="LoginToken"),
            ],
        ),
    ]
