"""Flask-AppBuilder's own UI strings, listed so that our catalogs translate them.

FAB's bundled zh catalog is from 2014: it lacks Add/Edit/Delete/Show, the group screens, the
delete confirmation and password messages, and words some others oddly. Our catalog
(translations/zh) is merged after FAB's and overrides or fills every string below.

Nothing imports this module at run time: `pybabel extract` (scripts/i18n.sh) reads it so that
`pybabel update` keeps these msgids instead of marking them obsolete. It is importable and has no
side effects (lazy strings only). The list is every msgid `pybabel extract` finds in
flask_appbuilder 5.3 (its Python files with lazy_gettext/lazy_formatter_gettext/_ and its
templates); tests/test_i18n.py fails when an installed FAB shows a string that neither FAB's zh
catalog nor ours translates.
"""

from flask_babel import lazy_gettext

FAB_STRINGS = [
    # baseviews.py
    lazy_gettext("Added Row"),
    lazy_gettext("Changed Row"),
    lazy_gettext("Deleted Row"),
    lazy_gettext("Associated data exists, please delete them first"),
    lazy_gettext("Integrity error, probably unique constraint"),
    lazy_gettext("Database Error"),
    # const.py
    lazy_gettext("Access is Denied"),
    # fields.py
    lazy_gettext("Not a valid choice"),
    # fieldwidgets.py
    lazy_gettext("Select Value"),
    # messages.py
    lazy_gettext("Search"),
    lazy_gettext("Back"),
    lazy_gettext("Save"),
    lazy_gettext("This field is required."),
    lazy_gettext("Not a valid date value"),
    lazy_gettext("No records found"),
    # upload.py
    lazy_gettext("Invalid file extension"),
    # validators.py
    lazy_gettext("Already exists."),
    lazy_gettext(
        "Must have at least two capital letters, one special character, two digits, three "
        "lower case letters and a minimal length of 10."
    ),
    # charts/views.py
    lazy_gettext("Group by"),
    # models/group.py
    lazy_gettext("Count of"),
    lazy_gettext("Sum of"),
    lazy_gettext("Avg. of"),
    # models/generic/filters.py
    lazy_gettext("Contains"),
    lazy_gettext("Contains (insensitive)"),
    lazy_gettext("Not Contains"),
    lazy_gettext("Equal to"),
    lazy_gettext("Not Equal to"),
    lazy_gettext("Greater than"),
    lazy_gettext("Smaller than"),
    lazy_gettext("Start with"),
    # models/sqla/filters.py
    lazy_gettext("Starts with"),
    lazy_gettext("Not Starts with"),
    lazy_gettext("Ends with"),
    lazy_gettext("Not Ends with"),
    lazy_gettext("In"),
    lazy_gettext("Not In"),
    lazy_gettext("Relation"),
    lazy_gettext("No Relation"),
    lazy_gettext("Relation as Many"),
    # security/forms.py
    lazy_gettext("Either select a role or a group"),
    lazy_gettext("User Name"),
    lazy_gettext("Password"),
    lazy_gettext("First Name"),
    lazy_gettext("Write the user first name or names"),
    lazy_gettext("Last Name"),
    lazy_gettext("Write the user last name"),
    lazy_gettext("Please use a good password policy, this application does not check this for you"),
    lazy_gettext("Confirm Password"),
    lazy_gettext("Please rewrite the password to confirm"),
    lazy_gettext("Passwords must match"),
    lazy_gettext("Email"),
    # security/manager.py
    lazy_gettext("List Users"),
    lazy_gettext("Security"),
    lazy_gettext("List Roles"),
    lazy_gettext("List Groups"),
    lazy_gettext("User's Statistics"),
    lazy_gettext("User Registrations"),
    lazy_gettext("Base Permissions"),
    lazy_gettext("Views/Menus"),
    lazy_gettext("Permission on Views/Menus"),
    # security/registerviews.py
    lazy_gettext("Account activation"),
    lazy_gettext("Registration sent to your email"),
    lazy_gettext("Not possible to register you at the moment, try again later"),
    lazy_gettext("Registration not found"),
    lazy_gettext("Fill out the registration form"),
    # security/views.py
    lazy_gettext("List Base Permissions"),
    lazy_gettext("Show Base Permission"),
    lazy_gettext("Add Base Permission"),
    lazy_gettext("Edit Base Permission"),
    lazy_gettext("Name"),
    lazy_gettext("List View Menus"),
    lazy_gettext("Show View Menu"),
    lazy_gettext("Add View Menu"),
    lazy_gettext("Edit View Menu"),
    lazy_gettext("List Permissions on Views/Menus"),
    lazy_gettext("Show Permission on Views/Menus"),
    lazy_gettext("Add Permission on Views/Menus"),
    lazy_gettext("Edit Permission on Views/Menus"),
    lazy_gettext("Permission"),
    lazy_gettext("View/Menu"),
    lazy_gettext("Reset Password Form"),
    lazy_gettext("Password Changed"),
    lazy_gettext("Edit User Information"),
    lazy_gettext("User information changed"),
    lazy_gettext("Show User"),
    lazy_gettext("Add User"),
    lazy_gettext("Edit User"),
    lazy_gettext("Full Name"),
    lazy_gettext("Is Active?"),
    lazy_gettext("Role"),
    lazy_gettext("Groups"),
    lazy_gettext("Last login"),
    lazy_gettext("Login count"),
    lazy_gettext("Failed login count"),
    lazy_gettext("Created on"),
    lazy_gettext("Created by"),
    lazy_gettext("Changed on"),
    lazy_gettext("Changed by"),
    lazy_gettext("Username valid for authentication on DB or LDAP, unused for OID auth"),
    lazy_gettext("The user's password for authentication"),
    lazy_gettext("It's not a good policy to remove a user, just make it inactive"),
    lazy_gettext("The user's email, this will also be used for OID auth"),
    lazy_gettext(
        "The user role on the application, this will associate with a list of permissions"
    ),
    lazy_gettext(
        "The user group on the application, this will associate with a list of roles "
        "associated with the group"
    ),
    lazy_gettext("Please rewrite the user's password to confirm"),
    lazy_gettext("User info"),
    lazy_gettext("Personal Info"),
    lazy_gettext("Audit Info"),
    lazy_gettext("Your user information"),
    lazy_gettext("Reset my password"),
    lazy_gettext("Reset Password"),
    lazy_gettext("User Statistics"),
    lazy_gettext("Show Role"),
    lazy_gettext("Add Role"),
    lazy_gettext("Edit Role"),
    lazy_gettext("Permissions"),
    lazy_gettext("Copy Role"),
    lazy_gettext("Copy the selected roles?"),
    lazy_gettext("User(s) exists in the role, cannot delete"),
    lazy_gettext("Show Group"),
    lazy_gettext("Add Group"),
    lazy_gettext("Edit Group"),
    lazy_gettext("User(s) exists in the group, cannot delete"),
    lazy_gettext("List of Registration Requests"),
    lazy_gettext("Show Registration"),
    lazy_gettext("Invalid login. Please try again."),
    lazy_gettext("Sign In"),
    # templates/appbuilder/baselib.html
    lazy_gettext("Profile"),
    lazy_gettext("Logout"),
    lazy_gettext("Login"),
    # templates/appbuilder/general/security/activation.html
    lazy_gettext("Welcome"),
    lazy_gettext("Your user is activated you can now proceed to login"),
    # templates/appbuilder/general/confirm.html
    lazy_gettext("User confirmation needed"),
    # templates/appbuilder/general/lib.html
    lazy_gettext("Actions"),
    lazy_gettext("Page size"),
    lazy_gettext("Order by"),
    lazy_gettext("Record Count"),
    lazy_gettext("Add a new record"),
    lazy_gettext("Add"),
    lazy_gettext("Edit record"),
    lazy_gettext("Edit"),
    lazy_gettext("Show record"),
    lazy_gettext("Show"),
    lazy_gettext("Delete record"),
    lazy_gettext("Delete"),
    lazy_gettext("Are you sure you want to delete this item?"),
    # templates/appbuilder/general/charts/chart_time.html
    lazy_gettext("Group by fields"),
    # templates/appbuilder/general/model/edit.html
    lazy_gettext("Detail"),
    # templates/appbuilder/general/security/login_db.html
    lazy_gettext("Enter your login and password below"),
    lazy_gettext("Username"),
    lazy_gettext("If you are not already a user, please register"),
    lazy_gettext("Register"),
    # templates/appbuilder/general/security/login_oauth.html
    lazy_gettext("Sign In with "),
    # templates/appbuilder/general/security/register_oauth.html
    lazy_gettext("Sign in using:"),
    # templates/appbuilder/general/widgets/search.html
    lazy_gettext("Add Filter"),
]
