"""The window's words for attempt details: what the channels, the bounce mailbox, the
receipts and the state machine write onto an attempt (core/delivery/details.py), by code,
``CoreMessage`` context in the ``.ts``. Its ``{fields}`` are the core message's parameters;
a setting's environment name left in it is shown as its place in Settings (core_text.py
renders it). Apart from core_text.py only for length; tests/test_attempt_details.py checks
that every code the core declares has a template here and a Russian translation.
"""
from __future__ import annotations

from typing import cast

from PySide6.QtCore import QT_TRANSLATE_NOOP

DELIVERY_TEXT = cast(dict[str, str], {
    # core/delivery/states.py
    "chain.all_failed_or_unavailable": QT_TRANSLATE_NOOP("CoreMessage", "every channel failed or is unavailable"),
    "chain.all_failed": QT_TRANSLATE_NOOP("CoreMessage", "every channel failed"),
    "chain.gave_up": QT_TRANSLATE_NOOP("CoreMessage", "gave up after {rounds} rounds: lifetime of {seconds} s reached"),
    "chain.held_to_the_end": QT_TRANSLATE_NOOP("CoreMessage", "{message}; held until its lifetime of "
                                                              "{seconds} s ended"),
    "attempt.interrupted": QT_TRANSLATE_NOOP("CoreMessage", "the worker stopped during this attempt"),
    "attempt.interrupted_unknown": QT_TRANSLATE_NOOP("CoreMessage", "the worker stopped during this attempt; the "
                                                                    "message may or may not have gone out"),
    "receipt.late": QT_TRANSLATE_NOOP("CoreMessage", "{outcome} (reported after the chain moved on): {detail}"),
    "receipt.late_bare": QT_TRANSLATE_NOOP("CoreMessage", "{outcome} (reported after the chain moved on)"),
    "receipt.and_then": QT_TRANSLATE_NOOP("CoreMessage", "{before}; {after}"),
    "receipt.outcome.confirmed": QT_TRANSLATE_NOOP("CoreMessage", "confirmed"),
    "receipt.outcome.undelivered": QT_TRANSLATE_NOOP("CoreMessage", "undelivered"),
    # core/delivery/dispatcher.py
    "dispatcher.unknown_channel": QT_TRANSLATE_NOOP("CoreMessage", "unknown channel {channel}"),
    "dispatcher.channel_crashed": QT_TRANSLATE_NOOP("CoreMessage", "internal error in the {channel} channel "
                                                                   "({error}); see the log"),
    # core/delivery/receipts.py
    "receipt.no_bounce_read": QT_TRANSLATE_NOOP("CoreMessage", "no bounce read within {seconds} s: {reason}"),
    "receipt.no_bounce": QT_TRANSLATE_NOOP("CoreMessage", "no bounce within {seconds} s"),
    "receipt.no_report": QT_TRANSLATE_NOOP("CoreMessage", "no delivery report within {seconds} s of acceptance"),
    # core/delivery/bounces.py
    "bounce.report": QT_TRANSLATE_NOOP("CoreMessage", "bounced: {report}"),
    "bounce.hard": QT_TRANSLATE_NOOP("CoreMessage", "bounced (hard): {addresses}"),
    "bounce.soft": QT_TRANSLATE_NOOP("CoreMessage", "bounced (soft): {addresses}"),
    "imap.no_login": QT_TRANSLATE_NOOP("CoreMessage", "the bounce mailbox needs its login and password: enter them in "
                                                      "Settings → Email → Bounces (IMAP)"),
    "imap.untrusted": QT_TRANSLATE_NOOP("CoreMessage", "the IMAP server's certificate is not trusted: {error}"),
    "imap.no_tls": QT_TRANSLATE_NOOP("CoreMessage", "cannot connect to {address} over TLS: {error}"),
    "imap.login_refused": QT_TRANSLATE_NOOP("CoreMessage", "the IMAP server refused the login for {user}: {said}"),
    "imap.dropped": QT_TRANSLATE_NOOP("CoreMessage", "the IMAP server dropped the connection while logging "
                                                     "in: {error}"),
    "imap.no_folder": QT_TRANSLATE_NOOP("CoreMessage", "the IMAP folder {folder} cannot be opened (check the folder "
                                                       "in Settings → Email → Bounces (IMAP))"),
    "imap.folder_later": QT_TRANSLATE_NOOP("CoreMessage", "the IMAP folder {folder} cannot be read now: {error}"),
    "imap.read_later": QT_TRANSLATE_NOOP("CoreMessage", "the IMAP folder cannot be read now: {error}"),
    "imap.no_search": QT_TRANSLATE_NOOP("CoreMessage", "the IMAP server did not search the folder: {said}"),
    "imap.no_fetch": QT_TRANSLATE_NOOP("CoreMessage", "the IMAP server did not return the messages: {said}"),
    "imap.no_mark": QT_TRANSLATE_NOOP("CoreMessage", "the IMAP server did not mark the bounces: {said}"),
    "imap.mark_later": QT_TRANSLATE_NOOP("CoreMessage", "the bounces could not be marked now: {error}"),
    # core/delivery/channels/base.py
    "recipient.no_email": QT_TRANSLATE_NOOP("CoreMessage", "the recipient has no email address"),
    "recipient.no_phone": QT_TRANSLATE_NOOP("CoreMessage", "the recipient has no phone number"),
    "recipient.no_chat": QT_TRANSLATE_NOOP("CoreMessage", "the recipient has no linked Telegram chat (they must press "
                                                          "Start in the bot first)"),
    # core/delivery/channels/outbox.py
    "sandbox.written": QT_TRANSLATE_NOOP("CoreMessage", "sandbox: written to {path}"),
    # core/delivery/channels/email.py
    "email.not_configured": QT_TRANSLATE_NOOP("CoreMessage", "email is not configured (enter the SMTP server in "
                                                             "Settings → Email)"),
    "email.no_send_password": QT_TRANSLATE_NOOP("CoreMessage", "the per-send SMTP password is missing from the "
                                                               "credential store"),
    "email.no_password": QT_TRANSLATE_NOOP("CoreMessage", "a login is set but there is no password: enter it in "
                                                          "Settings → Email"),
    "email.port_expects_tls": QT_TRANSLATE_NOOP("CoreMessage", "port {port} expects implicit TLS (choose it under "
                                                               "Security in Settings → Email)"),
    "email.port_expects_starttls": QT_TRANSLATE_NOOP("CoreMessage", "port {port} expects STARTTLS, not implicit TLS "
                                                                    "(choose STARTTLS under Security in Settings → "
                                                                    "Email)"),
    "email.waiting_for_connection": QT_TRANSLATE_NOOP("CoreMessage", "waiting for a free SMTP connection (the server "
                                                                     "allows {count})"),
    "email.fewer_connections": QT_TRANSLATE_NOOP("CoreMessage", "the SMTP server allows fewer connections (now "
                                                                "{count})"),
    "email.credentials_rejected": QT_TRANSLATE_NOOP("CoreMessage", "credentials rejected — fix them in Settings "
                                                                   "({message})"),
    "email.accepted": QT_TRANSLATE_NOOP("CoreMessage", "accepted by {host}"),
    "email.accepted_queued": QT_TRANSLATE_NOOP("CoreMessage", "accepted by {host}, queued as {queue_id}"),
    # core/delivery/channels/email_message.py
    "email.no_sender": QT_TRANSLATE_NOOP("CoreMessage", "no sender address: set DEFAULT_FROM_EMAIL (or "
                                                        "SMTP_DEFAULT_USER as an address)"),
    "email.injected": QT_TRANSLATE_NOOP("CoreMessage", "the message headers are invalid: an encoded word would add "
                                                       "header lines or a body"),
    "email.bad_headers": QT_TRANSLATE_NOOP("CoreMessage", "the message headers are invalid: {error}"),
    "email.not_ascii_domain": QT_TRANSLATE_NOOP("CoreMessage", "the address {address} has a domain that cannot be "
                                                               "written in ASCII ({error})"),
    # core/delivery/channels/smtp_transport.py
    "smtp.where.connect": QT_TRANSLATE_NOOP("CoreMessage", "connecting"),
    "smtp.where.tls": QT_TRANSLATE_NOOP("CoreMessage", "starting TLS"),
    "smtp.where.login": QT_TRANSLATE_NOOP("CoreMessage", "logging in"),
    "smtp.where.send": QT_TRANSLATE_NOOP("CoreMessage", "sending"),
    "smtp.recipient_later": QT_TRANSLATE_NOOP("CoreMessage", "the server refused the recipient for now: {reply}"),
    "smtp.recipient_refused": QT_TRANSLATE_NOOP("CoreMessage", "the server refused the recipient: {reply}"),
    "smtp.auth_later": QT_TRANSLATE_NOOP("CoreMessage", "temporary authentication failure: {reply}"),
    "smtp.app_password": QT_TRANSLATE_NOOP("CoreMessage", "the server wants an app password (2-step verification is "
                                                          "on): {reply}"),
    "smtp.login_refused": QT_TRANSLATE_NOOP("CoreMessage", "the SMTP login or password was not accepted: {reply}"),
    "smtp.sender_later": QT_TRANSLATE_NOOP("CoreMessage", "the server refused the sender for now: {reply}"),
    "smtp.auth_first": QT_TRANSLATE_NOOP("CoreMessage", "the server requires authentication or STARTTLS "
                                                        "first: {reply}"),
    "smtp.too_large": QT_TRANSLATE_NOOP("CoreMessage", "the message is larger than the server accepts: {reply}"),
    "smtp.sender_refused": QT_TRANSLATE_NOOP("CoreMessage", "the server does not allow this From address: {reply}"),
    "smtp.connect_later": QT_TRANSLATE_NOOP("CoreMessage", "the server is not accepting connections now: {reply}"),
    "smtp.no_mail": QT_TRANSLATE_NOOP("CoreMessage", "the host does not accept mail: {reply}"),
    "smtp.greeting_later": QT_TRANSLATE_NOOP("CoreMessage", "the server refused our greeting for now: {reply}"),
    "smtp.greeting_refused": QT_TRANSLATE_NOOP("CoreMessage", "the server refused our greeting: {reply}"),
    "smtp.no_starttls": QT_TRANSLATE_NOOP("CoreMessage", "the server offers no STARTTLS on this port; credentials "
                                                         "will not be sent in clear (check Port and Security in "
                                                         "Settings → Email)"),
    "smtp.no_auth": QT_TRANSLATE_NOOP("CoreMessage", "the server does not offer AUTH here (login before STARTTLS, or "
                                                     "the wrong port)"),
    "smtp.cannot_take": QT_TRANSLATE_NOOP("CoreMessage", "the server cannot take this message: {error}"),
    "smtp.later_while": QT_TRANSLATE_NOOP("CoreMessage", "temporary failure while {where}: {reply}"),
    "smtp.starttls_refused": QT_TRANSLATE_NOOP("CoreMessage", "STARTTLS was refused: {reply}"),
    "smtp.rejected_while": QT_TRANSLATE_NOOP("CoreMessage", "the server rejected the message while {where}: {reply}"),
    "smtp.no_answer": QT_TRANSLATE_NOOP("CoreMessage", "the SMTP server did not answer in time while {where}"),
    "smtp.closed": QT_TRANSLATE_NOOP("CoreMessage", "the server closed the connection while {where}"),
    "smtp.error": QT_TRANSLATE_NOOP("CoreMessage", "SMTP error while {where}: {error}"),
    "smtp.untrusted": QT_TRANSLATE_NOOP("CoreMessage", "the server's TLS certificate is not trusted: {reason}"),
    "smtp.tls_mode": QT_TRANSLATE_NOOP("CoreMessage", "TLS mode does not match the port (465 is implicit TLS, 587 is "
                                                      "STARTTLS): check Port and Security in Settings → Email"),
    "smtp.tls_failed": QT_TRANSLATE_NOOP("CoreMessage", "TLS failed while {where}: {reason}"),
    "smtp.no_host": QT_TRANSLATE_NOOP("CoreMessage", "the SMTP host name cannot be resolved ({reason})"),
    "smtp.refused": QT_TRANSLATE_NOOP("CoreMessage", "the SMTP server refused the connection (is it running, is the "
                                                     "port right?)"),
    "smtp.network": QT_TRANSLATE_NOOP("CoreMessage", "network error while {where}: {reason}"),
    "smtp.not_as_written": QT_TRANSLATE_NOOP("CoreMessage", "the message cannot be sent as written: {error}"),
    "smtp.unexpected": QT_TRANSLATE_NOOP("CoreMessage", "unexpected error while {where}: {error}"),
    "smtp.needs_smtputf8": QT_TRANSLATE_NOOP("CoreMessage", "the address has non-ASCII characters before the @ and "
                                                            "needs SMTPUTF8, which the SMTP server does not offer"),
    # core/delivery/channels/botapi.py
    "telegram.bad_url": QT_TRANSLATE_NOOP("CoreMessage", "the Bot API URL is invalid: check TELEGRAM_API_BASE (e.g. "
                                                         "https://api.telegram.org) and the bot token"),
    "telegram.no_token": QT_TRANSLATE_NOOP("CoreMessage", "Telegram is not configured: there is no bot token (create "
                                                          "a bot with @BotFather and save its token)"),
    "telegram.token_chars": QT_TRANSLATE_NOOP("CoreMessage", "the Telegram bot token contains spaces or URL "
                                                             "characters; paste it again from @BotFather"),
    "telegram.token_unreadable": QT_TRANSLATE_NOOP("CoreMessage", "the Telegram bot token cannot be read: {reason}"),
    "telegram.untrusted": QT_TRANSLATE_NOOP("CoreMessage", "the TLS certificate of {host} is not trusted (check "
                                                           "TELEGRAM_API_BASE or a proxy intercepting HTTPS)"),
    "telegram.connect_timeout": QT_TRANSLATE_NOOP("CoreMessage", "could not connect to {host} within {seconds} s"),
    "telegram.read_timeout": QT_TRANSLATE_NOOP("CoreMessage", "{host} did not answer {method} within {seconds} s"),
    "telegram.cannot_connect": QT_TRANSLATE_NOOP("CoreMessage", "cannot connect to {host}: {reason}"),
    "telegram.request_failed": QT_TRANSLATE_NOOP("CoreMessage", "the request to {host} failed ({error})"),
    "telegram.refused": QT_TRANSLATE_NOOP("CoreMessage", "connection refused (is the server running, is "
                                                         "TELEGRAM_API_BASE right?)"),
    "telegram.no_dns": QT_TRANSLATE_NOOP("CoreMessage", "the host name cannot be resolved (no network, or a typo in "
                                                        "TELEGRAM_API_BASE)"),
    "telegram.reset": QT_TRANSLATE_NOOP("CoreMessage", "the connection was reset"),
    "telegram.dropped": QT_TRANSLATE_NOOP("CoreMessage", "the server closed the connection without answering"),
    "telegram.network": QT_TRANSLATE_NOOP("CoreMessage", "network error ({error})"),
    "telegram.not_bot_api": QT_TRANSLATE_NOOP("CoreMessage", "{host} answered {method} with HTTP {status} and a body "
                                                             "that is not Bot API JSON (a proxy or the wrong "
                                                             "TELEGRAM_API_BASE?)"),
    "telegram.answered": QT_TRANSLATE_NOOP("CoreMessage", "Telegram answered {method} with {code}: {said}"),
    "telegram.may_be_delivered": QT_TRANSLATE_NOOP("CoreMessage", "{message}; Telegram may already have delivered it, "
                                                                  "so a retry can send it twice"),
    "telegram.token_rejected": QT_TRANSLATE_NOOP("CoreMessage", "the bot token was rejected by Telegram (401 "
                                                                "Unauthorized): it is wrong or was revoked; copy it "
                                                                "again from @BotFather"),
    "telegram.not_found": QT_TRANSLATE_NOOP("CoreMessage", "the Bot API answered 404 Not Found: the bot token is "
                                                           "malformed or TELEGRAM_API_BASE is wrong{where}"),
    "telegram.local_server": QT_TRANSLATE_NOOP("CoreMessage", "the local Bot API server is not set up for this bot: "
                                                              "{said}"),
    "telegram.rate_limit": QT_TRANSLATE_NOOP("CoreMessage", "Telegram rate limit (429 Too Many Requests): {when}"),
    "telegram.retry_after": QT_TRANSLATE_NOOP("CoreMessage", "retry after {seconds} s"),
    "telegram.retry_later": QT_TRANSLATE_NOOP("CoreMessage", "retry later"),
    "telegram.blocked": QT_TRANSLATE_NOOP("CoreMessage", "the person blocked the bot (403); they must unblock it and "
                                                         "press Start in the bot before Telegram messages can reach "
                                                         "them"),
    "telegram.not_started": QT_TRANSLATE_NOOP("CoreMessage", "the person has not started a chat with the bot (403); "
                                                             "they must open the bot in Telegram and press Start "
                                                             "(send them the link from the recipient dialog)"),
    "telegram.deactivated": QT_TRANSLATE_NOOP("CoreMessage", "the person's Telegram account was deleted (403 user is "
                                                             "deactivated)"),
    "telegram.kicked": QT_TRANSLATE_NOOP("CoreMessage", "the bot is not allowed in that chat any more ({said}); add "
                                                        "it back or link another chat"),
    "telegram.forbidden": QT_TRANSLATE_NOOP("CoreMessage", "Telegram refused to deliver ({said}); the person may need "
                                                           "to press Start in the bot"),
    "telegram.chat_not_found": QT_TRANSLATE_NOOP("CoreMessage", "Telegram does not know this chat (400 chat not "
                                                                "found): the chat id is wrong or the person never "
                                                                "pressed Start in this bot; link them again"),
    "telegram.too_long": QT_TRANSLATE_NOOP("CoreMessage", "Telegram says the message is too long (400); it should "
                                                          "have been split (a bug)"),
    "telegram.cannot_parse": QT_TRANSLATE_NOOP("CoreMessage", "Telegram could not parse the message "
                                                              "formatting: {said}"),
    "telegram.empty": QT_TRANSLATE_NOOP("CoreMessage", "the message is empty; Telegram cannot deliver an empty text"),
    "telegram.bad_request": QT_TRANSLATE_NOOP("CoreMessage", "Telegram rejected the request: {said}"),
    "telegram.conflict": QT_TRANSLATE_NOOP("CoreMessage", "Telegram reported a conflict: {said}"),
    "telegram.server_error": QT_TRANSLATE_NOOP("CoreMessage", "Telegram server error {code}: {said}"),
    "telegram.rejected": QT_TRANSLATE_NOOP("CoreMessage", "Telegram rejected the request ({code}): {said}"),
    # core/delivery/channels/telegram.py
    "telegram.pacing": QT_TRANSLATE_NOOP("CoreMessage", "Telegram pacing: the next free slot for this chat is in "
                                                        "{seconds} s; the message waits in the queue meanwhile"),
    "telegram.migrated": QT_TRANSLATE_NOOP("CoreMessage", "the group became a supergroup: chat id {old} is now {new}; "
                                                          "update the recipient's Telegram chat id"),
    "telegram.sent_plain": QT_TRANSLATE_NOOP("CoreMessage", "sent as plain text because Telegram could not parse the "
                                                            "formatting ({said})"),
    "telegram.no_chat": QT_TRANSLATE_NOOP("CoreMessage", "the recipient has no linked Telegram chat"),
    "telegram.delivered": QT_TRANSLATE_NOOP("CoreMessage", "delivered to Telegram chat {chat}"),
    "telegram.delivered_parts": QT_TRANSLATE_NOOP("CoreMessage", "delivered to Telegram chat {chat} in {parts} parts"),
    "telegram.delivered_resumed": QT_TRANSLATE_NOOP("CoreMessage", "delivered to Telegram chat {chat} in {parts} "
                                                                   "parts ({resumed} already sent by an earlier try)"),
    "telegram.with_note": QT_TRANSLATE_NOOP("CoreMessage", "{message}; {note}"),
    "telegram.no_bot_name": QT_TRANSLATE_NOOP("CoreMessage", "{host} answered getMe without a bot user name; is "
                                                             "TELEGRAM_API_BASE a Bot API server?"),
    "telegram.user_account": QT_TRANSLATE_NOOP("CoreMessage", "this token belongs to a user account, not a bot"),
    "telegram.connected": QT_TRANSLATE_NOOP("CoreMessage", "connected as @{name}"),
    "telegram.check_failed": QT_TRANSLATE_NOOP("CoreMessage", "the check failed unexpectedly ({error})"),
    # core/delivery/channels/sms/channel.py
    "sms.reports_crashed": QT_TRANSLATE_NOOP("CoreMessage", "internal error reading {title} delivery reports "
                                                            "({error}); see the log"),
    "sms.empty": QT_TRANSLATE_NOOP("CoreMessage", "the message has neither subject nor text; an empty SMS is not sent"),
    "sms.rate_limit": QT_TRANSLATE_NOOP("CoreMessage", "SMS rate limit: the next free slot is in {seconds} s; the "
                                                       "message waits in the queue"),
    "sms.provider_crashed": QT_TRANSLATE_NOOP("CoreMessage", "internal error in the {title} SMS provider ({error}); "
                                                             "see the log"),
    "sms.sent": QT_TRANSLATE_NOOP("CoreMessage", "{message} [{segments} SMS, {encoding}]"),
    "sms.sent_bare": QT_TRANSLATE_NOOP("CoreMessage", "[{segments} SMS, {encoding}]"),
    "sms.not_configured": QT_TRANSLATE_NOOP("CoreMessage", "SMS is not configured (choose an SMS provider in Settings "
                                                           "→ SMS)"),
    # core/delivery/channels/sms/provider.py
    "sms.too_many_segments": QT_TRANSLATE_NOOP("CoreMessage", "the text needs {segments} SMS segments ({units} "
                                                              "{encoding} units); {title} accepts at most {most} "
                                                              "segments (about {most_units} {encoding} units) — "
                                                              "shorten the message"),
    "sms.too_many_chars": QT_TRANSLATE_NOOP("CoreMessage", "the text is {chars} characters ({segments} SMS segments, "
                                                           "{encoding}); {title} accepts at most {most} characters — "
                                                           "shorten the message"),
    "sms.secret_unreadable": QT_TRANSLATE_NOOP("CoreMessage", "{what} cannot be read: {reason}"),
    "sms.secret_missing": QT_TRANSLATE_NOOP("CoreMessage", "{what} is missing: enter it in {secret}"),
    # core/delivery/channels/sms/http.py
    "sms.no_answer": QT_TRANSLATE_NOOP("CoreMessage", "{title} ({at}) did not answer within {timeout} s.{maybe}"),
    "sms.invalid_url": QT_TRANSLATE_NOOP("CoreMessage", "the {title} address is not a valid http(s) URL; check the "
                                                        "API base setting"),
    "sms.connect_timeout": QT_TRANSLATE_NOOP("CoreMessage", "{title} ({at}) did not accept a connection within "
                                                            "{timeout} s"),
    "sms.untrusted": QT_TRANSLATE_NOOP("CoreMessage", "the TLS certificate of {at} is not trusted; nothing was sent "
                                                      "(a proxy intercepting HTTPS, or a wrong API base URL)"),
    "sms.tls": QT_TRANSLATE_NOOP("CoreMessage", "the TLS connection to {title} ({at}) failed"),
    "sms.no_dns": QT_TRANSLATE_NOOP("CoreMessage", "the host name of {title} ({at}) cannot be resolved; check the "
                                                   "network or the API base setting"),
    "sms.refused": QT_TRANSLATE_NOOP("CoreMessage", "{title} ({at}) refused the connection (wrong address or port, or "
                                                    "the service is not running)"),
    "sms.network": QT_TRANSLATE_NOOP("CoreMessage", "network error talking to {title} ({at}): {reason}.{maybe}"),
    "sms.dropped": QT_TRANSLATE_NOOP("CoreMessage", "the connection to {title} ({at}) failed or was dropped.{maybe}"),
    "sms.cannot_build": QT_TRANSLATE_NOOP("CoreMessage", "the {title} request cannot be built: {error}"),
    "sms.maybe_accepted": QT_TRANSLATE_NOOP("CoreMessage", " The message may have been accepted anyway; a retry can "
                                                           "deliver it twice."),
    "sms.nothing": "",
    # core/delivery/channels/sms/android.py
    "android.needs_password": QT_TRANSLATE_NOOP("CoreMessage", "the Android SMS gateway needs its password (secret "
                                                               "{secret})"),
    "android.needs_address": QT_TRANSLATE_NOOP("CoreMessage", "the Android SMS gateway needs its address: enter it in "
                                                              "Settings → SMS (e.g. http://192.168.1.20:8080)"),
    "android.needs_user": QT_TRANSLATE_NOOP("CoreMessage", "the Android SMS gateway needs its username (shown in the "
                                                           "app): enter it in Settings → SMS"),
    "android.rejected": QT_TRANSLATE_NOOP("CoreMessage", "the gateway rejected the message ({said})"),
    "android.bad_login": QT_TRANSLATE_NOOP("CoreMessage", "the gateway refused the username/password: compare "
                                                          "ANDROID_SMS_USER and {secret} with the app ({said})"),
    "android.not_allowed": QT_TRANSLATE_NOOP("CoreMessage", "the gateway does not allow these credentials to send "
                                                            "({said})"),
    "android.no_api": QT_TRANSLATE_NOOP("CoreMessage", "no SMS gateway API at this address: check the gateway address "
                                                       "in Settings → SMS ({said})"),
    "android.rate_limited": QT_TRANSLATE_NOOP("CoreMessage", "the gateway is rate-limiting requests ({said})"),
    "android.queue_full": QT_TRANSLATE_NOOP("CoreMessage", "the gateway's queue is full or the phone is offline "
                                                           "({said})"),
    "android.internal": QT_TRANSLATE_NOOP("CoreMessage", "the gateway had an internal error ({said})"),
    "android.refused": QT_TRANSLATE_NOOP("CoreMessage", "the gateway refused the message ({said})"),
    "android.unreachable": QT_TRANSLATE_NOOP("CoreMessage", "the phone has not answered {count} times in a row (is it "
                                                            "on, in the same network, with the gateway app running?): "
                                                            "{message}"),
    "android.already_queued": QT_TRANSLATE_NOOP("CoreMessage", "the phone already had message {id} queued from an "
                                                               "earlier try"),
    "android.no_reason": QT_TRANSLATE_NOOP("CoreMessage", "no reason given"),
    "android.not_sent": QT_TRANSLATE_NOOP("CoreMessage", "the phone could not send the SMS: {error}"),
    "android.queued": QT_TRANSLATE_NOOP("CoreMessage", "queued on the phone as {id} (state {state})"),
    "android.delivered": QT_TRANSLATE_NOOP("CoreMessage", "the phone reports message {id} delivered"),
    "android.not_delivered": QT_TRANSLATE_NOOP("CoreMessage", "the phone could not deliver message {id}: {error}"),
    "android.cancelled": QT_TRANSLATE_NOOP("CoreMessage", "message {id} was cancelled on the phone"),
    # core/delivery/channels/sms/smsru.py
    "smsru.status.200": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru does not accept the API key: check it in Settings → "
                                                         "SMS"),
    "smsru.status.201": QT_TRANSLATE_NOOP("CoreMessage", "the SMS.ru account has not enough money; top it up"),
    "smsru.status.202": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru says the recipient's number is wrong or there is no "
                                                         "route to it"),
    "smsru.status.203": QT_TRANSLATE_NOOP("CoreMessage", "the message has no text"),
    "smsru.status.204": QT_TRANSLATE_NOOP("CoreMessage", "the sender name is not approved by SMS.ru; clear it in "
                                                         "Settings → SMS or get it approved"),
    "smsru.status.205": QT_TRANSLATE_NOOP("CoreMessage", "the message is too long for SMS.ru (more than 8 SMS)"),
    "smsru.status.206": QT_TRANSLATE_NOOP("CoreMessage", "the SMS.ru account's daily sending limit is reached; SMS "
                                                         "works again after the limit resets"),
    "smsru.status.207": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru cannot send to this number (no route for delivery)"),
    "smsru.status.208": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru rejected the send time (time parameter)"),
    "smsru.status.209": QT_TRANSLATE_NOOP("CoreMessage", "the number is in the SMS.ru account's stop list; remove it "
                                                         "there to send"),
    "smsru.status.210": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru wants POST for this request (client bug)"),
    "smsru.status.211": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru does not know this method: check SMSRU_API_BASE"),
    "smsru.status.212": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru wants the text in UTF-8 (client bug)"),
    "smsru.status.213": QT_TRANSLATE_NOOP("CoreMessage", "more than 100 numbers in one request (client bug)"),
    "smsru.status.220": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru is temporarily unavailable"),
    "smsru.status.221": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru requires an approved alphabetic sender name before "
                                                         "anything can be sent: create one in the SMS.ru senders "
                                                         "panel and enter it as the sender name in Settings → SMS"),
    "smsru.status.230": QT_TRANSLATE_NOOP("CoreMessage", "the daily limit of messages to this number is reached; it "
                                                         "resets tomorrow"),
    "smsru.status.231": QT_TRANSLATE_NOOP("CoreMessage", "the same text was sent to this number too often within a "
                                                         "minute"),
    "smsru.status.232": QT_TRANSLATE_NOOP("CoreMessage", "the daily limit of identical messages to this number is "
                                                         "reached; it resets tomorrow"),
    "smsru.status.300": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru rejected the token (expired, or the IP address "
                                                         "changed)"),
    "smsru.status.301": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru does not accept the API key (wrong key, or the user "
                                                         "does not exist)"),
    "smsru.status.302": QT_TRANSLATE_NOOP("CoreMessage", "the SMS.ru account is not confirmed yet; finish the "
                                                         "registration"),
    "smsru.status.500": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru had a server error"),
    "smsru.said": QT_TRANSLATE_NOOP("CoreMessage", "{message} (SMS.ru {said})"),
    "smsru.unknown_code": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru refused {whose} with a code this program does not "
                                                           "know (SMS.ru {said})"),
    "smsru.whose.request": QT_TRANSLATE_NOOP("CoreMessage", "the request"),
    "smsru.whose.number": QT_TRANSLATE_NOOP("CoreMessage", "the number"),
    "smsru.whose.status": QT_TRANSLATE_NOOP("CoreMessage", "the status request"),
    "smsru.whose.key": QT_TRANSLATE_NOOP("CoreMessage", "the key"),
    "smsru.whose.balance": QT_TRANSLATE_NOOP("CoreMessage", "the balance request"),
    "smsru.needs_api_id": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru needs the api_id (secret smsru_api_id)"),
    "smsru.http": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru answered HTTP {status}.{maybe}"),
    "smsru.http_said": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru answered HTTP {status}: {body}.{maybe}"),
    "smsru.not_json": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru's answer is not JSON ({body}).{maybe}"),
    "smsru.no_status": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru's answer has no status ({body}).{maybe}"),
    "smsru.not_e164": QT_TRANSLATE_NOOP("CoreMessage", "the phone number {phone} is not in international format (+ "
                                                       "and digits)"),
    "smsru.no_result": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru accepted the request but its answer has no result for "
                                                        "the number; the message may have been accepted, a retry can "
                                                        "deliver it twice"),
    "smsru.accepted": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru accepted the message{test}{balance}"),
    "smsru.accepted_id": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru accepted the message {id}{test}{balance}"),
    "smsru.test_mode": QT_TRANSLATE_NOOP("CoreMessage", " in test mode (nothing sent)"),
    "smsru.balance": QT_TRANSLATE_NOOP("CoreMessage", "; balance {amount} RUB"),
    "smsru.reports_read": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru reports {id} delivered and read (SMS.ru {code})"),
    "smsru.reports_delivered": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru reports {id} delivered (SMS.ru {code})"),
    "smsru.report_said": QT_TRANSLATE_NOOP("CoreMessage", "{message} (SMS.ru {code}, message {id})"),
    "smsru.report.minus1": QT_TRANSLATE_NOOP("CoreMessage", "SMS.ru does not know this message"),
    "smsru.report.104": QT_TRANSLATE_NOOP("CoreMessage", "not delivered: its lifetime expired (the phone was off for "
                                                         "long)"),
    "smsru.report.105": QT_TRANSLATE_NOOP("CoreMessage", "not delivered: deleted by the operator"),
    "smsru.report.106": QT_TRANSLATE_NOOP("CoreMessage", "not delivered: phone failure"),
    "smsru.report.107": QT_TRANSLATE_NOOP("CoreMessage", "not delivered: unknown reason"),
    "smsru.report.108": QT_TRANSLATE_NOOP("CoreMessage", "not delivered: rejected"),
    "smsru.report.130": QT_TRANSLATE_NOOP("CoreMessage", "not delivered: the daily limit of messages to this number"),
    "smsru.report.131": QT_TRANSLATE_NOOP("CoreMessage", "not delivered: the limit of identical messages to this "
                                                         "number per minute"),
    "smsru.report.132": QT_TRANSLATE_NOOP("CoreMessage", "not delivered: the limit of identical messages to this "
                                                         "number per day"),
    "smsru.report.150": QT_TRANSLATE_NOOP("CoreMessage", "not delivered: no route to this number"),
    # core/delivery/channels/sms/twilio.py
    "twilio.error.20003": QT_TRANSLATE_NOOP("CoreMessage", "Twilio rejected the credentials: check TWILIO_ACCOUNT_SID "
                                                           "and twilio_auth_token (or the API key), and that the "
                                                           "account is not suspended"),
    "twilio.error.20403": QT_TRANSLATE_NOOP("CoreMessage", "the Twilio account is not permitted to do this (suspended "
                                                           "or closed?)"),
    "twilio.error.20404": QT_TRANSLATE_NOOP("CoreMessage", "Twilio does not know this account or address: check "
                                                           "TWILIO_ACCOUNT_SID and TWILIO_API_BASE"),
    "twilio.error.20429": QT_TRANSLATE_NOOP("CoreMessage", "Twilio is limiting concurrent requests; the request was "
                                                           "not processed"),
    "twilio.error.21211": QT_TRANSLATE_NOOP("CoreMessage", "Twilio says the recipient's number is not a valid phone "
                                                           "number"),
    "twilio.error.21212": QT_TRANSLATE_NOOP("CoreMessage", "the sender number is not valid: check TWILIO_FROM"),
    "twilio.error.21408": QT_TRANSLATE_NOOP("CoreMessage", "sending SMS to this country is not enabled for the Twilio "
                                                           "account (Messaging Geo Permissions in the Twilio Console)"),
    "twilio.error.21602": QT_TRANSLATE_NOOP("CoreMessage", "the message has no text"),
    "twilio.error.21604": QT_TRANSLATE_NOOP("CoreMessage", "the recipient's number is missing"),
    "twilio.error.21606": QT_TRANSLATE_NOOP("CoreMessage", "TWILIO_FROM is not an SMS-capable number of this Twilio "
                                                           "account for this destination"),
    "twilio.error.21608": QT_TRANSLATE_NOOP("CoreMessage", "the number is not verified for this trial account "
                                                           "(upgrade the account or verify the number)"),
    "twilio.error.21610": QT_TRANSLATE_NOOP("CoreMessage", "the recipient unsubscribed by replying STOP; they must "
                                                           "send START before they can get SMS again"),
    "twilio.error.21611": QT_TRANSLATE_NOOP("CoreMessage", "the sender's Twilio queue is full; slowing down"),
    "twilio.error.21612": QT_TRANSLATE_NOOP("CoreMessage", "Twilio cannot route SMS from this sender to this number"),
    "twilio.error.21614": QT_TRANSLATE_NOOP("CoreMessage", "the number cannot receive SMS (a landline or not a mobile "
                                                           "number)"),
    "twilio.error.21617": QT_TRANSLATE_NOOP("CoreMessage", "the text is longer than Twilio's 1,600 characters"),
    "twilio.error.21619": QT_TRANSLATE_NOOP("CoreMessage", "the message has no text"),
    "twilio.delivery.30001": QT_TRANSLATE_NOOP("CoreMessage", "Twilio's queue overflowed"),
    "twilio.delivery.30002": QT_TRANSLATE_NOOP("CoreMessage", "the Twilio account is suspended"),
    "twilio.delivery.30003": QT_TRANSLATE_NOOP("CoreMessage", "the handset is unreachable (off, no signal)"),
    "twilio.delivery.30004": QT_TRANSLATE_NOOP("CoreMessage", "the message is blocked for this destination"),
    "twilio.delivery.30005": QT_TRANSLATE_NOOP("CoreMessage", "the number does not exist"),
    "twilio.delivery.30006": QT_TRANSLATE_NOOP("CoreMessage", "the number is a landline or the carrier is unreachable"),
    "twilio.delivery.30007": QT_TRANSLATE_NOOP("CoreMessage", "the carrier filtered the message"),
    "twilio.delivery.30008": QT_TRANSLATE_NOOP("CoreMessage", "unknown delivery error"),
    "twilio.said": QT_TRANSLATE_NOOP("CoreMessage", "{message} ({said})"),
    "twilio.rate_limited": QT_TRANSLATE_NOOP("CoreMessage", "Twilio is rate-limiting requests ({said})"),
    "twilio.server_error": QT_TRANSLATE_NOOP("CoreMessage", "Twilio had a server error ({said}).{maybe}"),
    "twilio.maybe_created": QT_TRANSLATE_NOOP("CoreMessage", " The message may or may not have been created; a retry "
                                                             "can deliver it twice."),
    "twilio.refused": QT_TRANSLATE_NOOP("CoreMessage", "Twilio refused the message ({said})"),
    "twilio.delivery_failed": QT_TRANSLATE_NOOP("CoreMessage", "delivery failed"),
    "twilio.failed": QT_TRANSLATE_NOOP("CoreMessage", "{message} (Twilio {code}, message {sid} {status})"),
    "twilio.failed_bare": QT_TRANSLATE_NOOP("CoreMessage", "{message} (message {sid} {status})"),
    "twilio.no_sid": QT_TRANSLATE_NOOP("CoreMessage", "Twilio accepted the message (HTTP {status}) but its answer had "
                                                      "no sid"),
    "twilio.accepted": QT_TRANSLATE_NOOP("CoreMessage", "Twilio accepted the message {sid} (status {status})"),
    "twilio.reports": QT_TRANSLATE_NOOP("CoreMessage", "Twilio reports message {sid} {status}"),
    "twilio.canceled": QT_TRANSLATE_NOOP("CoreMessage", "the message {sid} was canceled at Twilio"),
    "twilio.needs_sid": QT_TRANSLATE_NOOP("CoreMessage", "Twilio needs an Account SID (TWILIO_ACCOUNT_SID)"),
    "twilio.needs_sender": QT_TRANSLATE_NOOP("CoreMessage", "Twilio needs a sender: TWILIO_FROM (a number you own, "
                                                            "E.164) or TWILIO_MESSAGING_SERVICE_SID"),
    "twilio.needs_token": QT_TRANSLATE_NOOP("CoreMessage", "Twilio needs the auth token (secret twilio_auth_token)"),
})  # QT_TRANSLATE_NOOP returns its text; PySide's stubs say object
