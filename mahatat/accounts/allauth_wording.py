"""django-allauth messages that Mahatat words differently in Arabic.

allauth's Arabic catalogue has entries that are wrong or broken on pages this site uses ("Generate" as a verb
in the third person, "MFA" as the Ministry of Foreign Affairs, a broken %(unused_count)s placeholder, stray Latin
letters in e-mails) and other terms than ours ("توثيق ذو عاملين" for two-factor authentication, "كود" for a code).

Listing their ids here makes `makemessages` copy them into locale/ar/LC_MESSAGES/django.po, and the project
catalogue (LOCALE_PATHS) takes precedence over the apps' catalogues. Nothing imports this module. Each id must
match allauth's exactly: when allauth changes one, the entry simply stops applying.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

ALLAUTH_MESSAGES = (
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("The phone number and/or password you specified are not correct."),
    gettext_noop("Incorrect code."),
    gettext_noop("Invalid or expired key."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("Use your password"),
    gettext_noop("Send me a sign-in code"),
    gettext_noop("Use authenticator app or code"),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Phone"),
    gettext_noop("Email or phone"),
    gettext_noop("Email (optional)"),
    gettext_noop("You must type the same password each time."),
    gettext_noop("Password (again)"),
    gettext_noop("New Password (again)"),
    gettext_noop("Code"),
    gettext_noop("email addresses"),
    gettext_noop("Request new code"),
    gettext_noop("Request Code"),
    gettext_noop("Confirm Access"),
    gettext_noop("Please reauthenticate to safeguard your account."),
    gettext_noop("Enter your password:"),
    gettext_noop("Enter Email Verification Code"),
    gettext_noop("Enter Password Reset Code"),
    gettext_noop("Phone Verification"),
    gettext_noop("Use a different email address"),
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Verified"),
    gettext_noop("Unverified"),
    gettext_noop("Make Primary"),
    gettext_noop("Re-send Verification"),
    gettext_noop("Add Email Address"),
    gettext_noop("Add Email"),
    gettext_noop("Your email has been changed from %(from_email)s to %(to_email)s."),
    gettext_noop(
        "You are receiving this email because you, or someone else, tried to access an account with email %(email)s. However, we do not have any record of such an account in our database."
    ),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
    gettext_noop("Primary email address set."),
    gettext_noop("Change Password"),
    gettext_noop("Bad Token"),
    gettext_noop("MFA"),
    gettext_noop("Two-Factor Authentication"),
    gettext_noop("TOTP Authenticator"),
    gettext_noop("Authenticator code"),
    gettext_noop("Enter an authenticator code:"),
    gettext_noop("Authentication using an authenticator app is active."),
    gettext_noop("An authenticator app is not active."),
    gettext_noop("Deactivate"),
    gettext_noop("Deactivate Authenticator App"),
    gettext_noop("You are about to deactivate authenticator app based authentication. Are you sure?"),
    gettext_noop("Authenticator app deactivated."),
    gettext_noop("Download"),
    gettext_noop("Generate"),
    ngettext_lazy(
        "There is %(unused_count)s out of %(total_count)s recovery codes available.",
        "There are %(unused_count)s out of %(total_count)s recovery codes available.",
        "unused_count",
    ),
)
