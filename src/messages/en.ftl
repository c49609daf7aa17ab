# Messages the portal sends, in English (the fallback for every other language).
# Variables: $business (the BUSINESS_NAME setting), $code, $minutes, $target and $what (a masked
# email or phone), $token, $kind (email, phone or facebook).
# An operator overrides any message by writing it, with the same id, in MESSAGE_TEMPLATES_DIR/en.ftl.

code-subject = Your { $business } code is { $code }
# Followed by the code itself (set large in the HTML email).
code-intro = Your { $business } code is
code-validity = It is valid for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }. If you did not ask for it, ignore this message.
code-for-register = Use it to finish creating your account.
code-for-sign-in = Use it to sign in.
code-for-claim = Use it to claim your customer account.
code-for-add-identity = Use it to add { $target } as a way to sign in to your account.
code-for-link-facebook = Use it to link a Facebook account to your account, so that it signs you in.
code-for-reset-password = Use it to reset your password.
code-reset-token = An app that asks for a reset token takes this one: { $token }

notice-identity-taken-subject = Someone tried to add your sign-in details to another account
notice-identity-taken = Someone signed in to another account asked to add this { $kind ->
        [email] email address
       *[phone] phone number
    } as a way to sign in there. It already signs in to an account here, so it was not added and nothing changes for you.
notice-identity-added-subject = Your ways to sign in changed
notice-identity-added = { $what } was added as a way to sign in to your account. If that was not you, reset your password or sign out everywhere at once, then remove it on your profile.
notice-password-added = A password was set for signing in with { $what } to your account. If that was not you, reset your password or sign out everywhere at once.
notice-identity-removed-subject = A way to sign in was removed from your account
notice-identity-removed = { $kind ->
        [facebook] A Facebook account
       *[other] { $what }
    } was removed from the ways to sign in to your account. If that was not you, sign in, sign out everywhere and reset your password.
