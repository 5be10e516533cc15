"""The Telegram application: relays a person's messages and button presses to Rasa and back.

PTB only carries messages; Rasa's tracker owns the dialogue. What this module adds:

* the sender Rasa sees is a pseudonym (HMAC of the chat id), never the chat id itself;
* updates are handled one at a time, in order (PTB's default; do not enable concurrent updates,
  or a person's answers could reach Rasa out of order);
* an update id seen before is ignored (Telegram can deliver an update twice);
* only private chats are served: the conversation is about personal information;
* non-text messages get a polite "text only" reply and are not forwarded;
* an edited message is not forwarded again (Rasa has already acted on the first version); the
  person gets one short note per edited message saying to send a new message instead;
* a message with no words (only spaces, invisible characters or a lone "/") is not forwarded:
  the person is asked to type it again;
* if Rasa is down the person is told their answers are safe and to try again shortly.

Logs never contain message text, names or chat ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, BotCommand, CallbackQuery, InputFile, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.config import LOOPBACK_HOSTS, Settings, load_secret, telegram_webhook_secret
from bot.front_ends import TROUBLE_MESSAGE, document_in, shows_nothing, wants_erasure
from bot.logs import conversation
from bot.rasa_client import RasaClient, RasaError, RasaPool
from bot.store.pseudonym import pseudonym
from bot.store.trackers import erase_conversation
from bot.telegram.delivery import deliver
from bot.telegram.format import (
    PayloadStore,
    buttons_to_markup,
    clean_text,
    split_message,
    to_rasa_text,
)

logger = logging.getLogger(__name__)

CHANNEL = "telegram"

TEXT_ONLY_REPLY = "Sorry — I can only read text for now. Could you type your answer?"
NO_WORDS_REPLY = "I didn't catch any words there. Could you type that again?"
TROUBLE_REPLY = TROUBLE_MESSAGE  # the same words as the terminal chat's
PRIVATE_ONLY_REPLY = (
    "Hello! I only work in a private chat, because we talk about personal information. "
    "Please send me a direct message instead — nothing said here has been passed on."
)
EDITED_REPLY = (
    "I can't see changes to a message once it's sent, I'm afraid. "
    "If you'd like to change your answer, just send me a new message."
)
BUTTON_EXPIRED_REPLY = "That button has expired — could you type your answer instead?"
BUTTONS_ONLY_PROMPT = "Please choose one:"

COMMANDS = (
    BotCommand("start", "Start, or pick up where you left off"),
    BotCommand("help", "What I can do and how to use me"),
    BotCommand("pause", "Take a break — your answers are kept"),
    BotCommand("resume", "Carry on where you left off"),
    BotCommand("plan", "A copy of your plan"),
    BotCommand("review", "Look again at how things are going"),
    BotCommand("share", "A code so your worker can see your plan"),
    BotCommand("unshare", "Cancel your share codes"),
    BotCommand("mydata", "Everything I keep about you"),
    BotCommand("delete", "Erase everything I keep about you"),
    BotCommand("restart", "Start again from the first question"),
    BotCommand("practice", "Practise conversation skills (for workers)"),
    BotCommand("end", "End a practice and get your scorecard"),
    BotCommand("progress", "How your practice is going over time"),
    BotCommand("stop", "Stop this conversation"),
)

# Keys in application.bot_data.
SETTINGS = "settings"
RASA_CLIENT = "rasa_client"
SENDER_FOR = "sender_for"
LOG_NAME_FOR = "log_name_for"
RECENT_UPDATE_IDS = "recent_update_ids"
PAYLOADS = "long_payloads"
TOLD_PRIVATE_ONLY = "told_private_only"
TOLD_ABOUT_EDITS = "told_about_edits"
PRESSED_KEYBOARDS = "pressed_keyboards"
OPEN_KEYBOARDS = "open_keyboards"  # chat id → id of the last message that still has buttons

RECENT_LIMIT = 10_000
TYPING_REFRESH_SECONDS = 4.0  # Telegram shows "typing…" for about 5 s


class BoundedSet:
    """A set that remembers only its ``max_size`` most recently added items."""

    def __init__(self, max_size: int = RECENT_LIMIT) -> None:
        """Create an empty set.

        Args:
            max_size: How many items to keep before forgetting the oldest.
        """
        self._max_size = max_size
        self._items: OrderedDict[Hashable, None] = OrderedDict()

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: Hashable) -> bool:
        """Add ``item``; return ``True`` if it was not there already."""
        if item in self._items:
            return False
        self._items[item] = None
        if len(self._items) > self._max_size:
            self._items.popitem(last=False)
        return True


def api_root(base_url: str) -> str:
    """Return the Bot API server root from ``TELEGRAM_API_BASE_URL``.

    The setting is the server's root (``https://api.telegram.org`` or a local Bot API server
    such as ``http://127.0.0.1:8081``); a trailing ``/bot`` is tolerated and removed.

    Args:
        base_url: The configured URL.

    Returns:
        The root URL without a trailing slash or ``/bot``.
    """
    root = base_url.rstrip("/")
    return root.removesuffix("/bot")


def build_application(
    settings: Settings,
    rasa_client_factory: Callable[[str], RasaClient] | None = None,
) -> Application:
    """Build the PTB application that bridges Telegram and Rasa.

    Note that PTB calls ``post_init``/``post_shutdown`` only from ``run_polling``/
    ``run_webhook``; code that drives the application itself (tests) must await
    ``application.post_init(application)`` after ``initialize()`` and
    ``application.post_shutdown(application)`` at the end.

    Args:
        settings: From :func:`bot.config.get_settings`; needs ``telegram_token``.
        rasa_client_factory: Called with ``settings.rasa_url`` in ``post_init``; by default
            a :class:`~bot.rasa_client.RasaPool` over ``settings.rasa_urls`` (each chat to a
            stable Rasa replica, failing over to the next when it is unreachable).

    Returns:
        The application, with handlers, rate limiter and lifecycle hooks set.

    Raises:
        ValueError: If no Telegram token is configured.
    """
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")

    async def post_init(application: Application) -> None:
        secret = load_secret(settings)  # read once; the secret never leaves this process
        application.bot_data[SENDER_FOR] = functools.partial(pseudonym, secret, CHANNEL)
        application.bot_data[LOG_NAME_FOR] = functools.partial(conversation, secret=secret)
        if rasa_client_factory is not None:
            client = rasa_client_factory(settings.rasa_url)
        else:
            client = RasaPool(settings.rasa_urls or (settings.rasa_url,))
        application.bot_data[RASA_CLIENT] = client
        if not await client.is_up():
            logger.warning("Rasa is not answering yet; people will be asked to try again")
        try:
            await application.bot.set_my_commands(COMMANDS)
        except TelegramError as exc:  # the menu is a convenience; keep relaying without it
            logger.warning("Could not set the command menu (%s)", type(exc).__name__)

    async def post_shutdown(application: Application) -> None:
        client = application.bot_data.pop(RASA_CLIENT, None)
        if client is not None:
            await client.aclose()

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if settings.telegram_base_url:
        # PTB appends the token to both URLs: <root>/bot<token>/<method>.
        root = api_root(settings.telegram_base_url)
        builder = builder.base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
    application = builder.build()

    application.bot_data.update(
        {
            SETTINGS: settings,
            RECENT_UPDATE_IDS: BoundedSet(),
            PAYLOADS: PayloadStore(),
            TOLD_PRIVATE_ONLY: BoundedSet(),
            TOLD_ABOUT_EDITS: BoundedSet(),
            PRESSED_KEYBOARDS: BoundedSet(),
            OPEN_KEYBOARDS: {},
        }
    )
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    """Register the bridge's handlers (guards first, in lower-numbered groups).

    Args:
        application: The application to add them to.
    """
    application.add_handler(TypeHandler(Update, _drop_repeated_update), group=-2)
    application.add_handler(TypeHandler(Update, _private_chats_only), group=-1)
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT, _on_text))
    application.add_handler(CallbackQueryHandler(_on_button))
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.ATTACHMENT, _on_attachment)
    )
    # Anything else a person can send (a poll, a checklist, a location, a dice…) gets the
    # same polite "text only"; service messages (someone joined, a pinned message) get nothing.
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL, _on_attachment
        )
    )
    application.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, _on_edited))
    application.add_error_handler(_on_error)


def run_polling(settings: Settings) -> None:
    """Run the bridge with long polling until SIGINT or SIGTERM.

    Args:
        settings: From :func:`bot.config.get_settings`.
    """
    # httpx logs every request at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = build_application(settings)
    logger.info("Telegram bridge starting (polling)")
    application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    logger.info("Telegram bridge stopped")


class WebhookConfigError(ValueError):
    """The webhook options cannot be used as given; the message says why."""


def parse_listen(value: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:port`` for IPv6) to a host and a port.

    Raises:
        WebhookConfigError: It is not a host and a port.
    """
    host, sep, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise WebhookConfigError(f"--listen must be host:port (e.g. 127.0.0.1:8443), not {value!r}")
    return host, int(port)


def check_webhook(settings: Settings, url: str, host: str, allow_public: bool) -> None:
    """Refuse a webhook set-up that would be unsafe or that Telegram would not accept.

    The listener speaks plain HTTP and relies on the secret token alone, so it listens on
    loopback behind a reverse proxy that terminates TLS, unless ``allow_public`` says
    otherwise. Telegram only delivers to ``https://`` URLs (a local Bot API server, set with
    ``TELEGRAM_API_BASE_URL``, also delivers to ``http://``).

    Raises:
        WebhookConfigError: Saying what to change.
    """
    if host not in LOOPBACK_HOSTS and not allow_public:
        raise WebhookConfigError(
            f"Refusing to listen for webhooks on {host}: the listener speaks plain HTTP. "
            "Listen on 127.0.0.1 behind a reverse proxy that terminates TLS, or pass "
            "--allow-public."
        )
    scheme = urlsplit(url).scheme
    if scheme != "https" and not (scheme == "http" and settings.telegram_base_url):
        raise WebhookConfigError(f"--webhook must be an https:// URL, not {url!r}")


def run_webhook(settings: Settings, url: str, listen: str, *, allow_public: bool = False) -> None:
    """Run the bridge in webhook mode until SIGINT or SIGTERM.

    Telegram posts each update to ``url`` (the reverse proxy's public address), which the
    proxy passes on to the listener at ``listen``, the same path. Telegram sends the secret
    token (:func:`bot.config.telegram_webhook_secret`) with every update; PTB answers 403 to a
    request without it and passes nothing on. Telegram delivers one update at a time and they
    are handled in order, as with polling. Run one bridge per bot: the repeated-update guard
    and long button payloads live in its memory.

    Args:
        settings: From :func:`bot.config.get_settings`.
        url: The public HTTPS URL Telegram posts to (registered with ``setWebhook``).
        listen: ``host:port`` the listener binds.
        allow_public: Allow a listen address other than loopback.

    Raises:
        WebhookConfigError: The options are unsafe or unusable.
    """
    host, port = parse_listen(listen)
    check_webhook(settings, url, host, allow_public)
    secret = telegram_webhook_secret(settings)
    # httpx logs Bot API URLs (with the token); PTB's webhook handler logs each update's
    # content at DEBUG. Neither may reach a log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("telegram.ext.Updater").setLevel(logging.INFO)
    application = build_application(settings)
    logger.info("Telegram bridge starting (webhook, listening on %s:%d)", host, port)
    application.run_webhook(
        listen=host,
        port=port,
        url_path=urlsplit(url).path.strip("/"),
        webhook_url=url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
        # One delivery at a time keeps a person's messages in the order they sent them, as
        # polling does; the listener only queues each update, so this costs little.
        max_connections=1,
    )
    logger.info("Telegram bridge stopped")


# --- guards -------------------------------------------------------------------------------


async def _drop_repeated_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not context.bot_data[RECENT_UPDATE_IDS].add(update.update_id):
        logger.info("Ignored a repeated update")
        raise ApplicationHandlerStop


async def _private_chats_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    if update.callback_query is not None:
        await _answer(update.callback_query)
    answerable = update.message or update.channel_post or update.callback_query
    if answerable and context.bot_data[TOLD_PRIVATE_ONLY].add(chat.id):
        logger.info("Told a %s chat that the bot works in private chats only", chat.type)
        await context.bot.send_message(chat.id, PRIVATE_ONLY_REPLY)
    raise ApplicationHandlerStop


# --- handlers -----------------------------------------------------------------------------


async def _on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    if message is None or message.text is None:
        return
    text = to_rasa_text(message.text)
    if not text:
        # Only spaces, invisible characters or a lone "/": say so rather than go quiet.
        await message.reply_text(NO_WORDS_REPLY)
        return
    # Typing an answer answers the question too: its buttons go, as after a press.
    await _remove_keyboard(context, message.chat_id)
    await _relay(context, message.chat_id, text)


async def _on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    await _answer(query)
    message = query.message
    if message is None:  # a button on an inline message: not one of ours
        return
    chat_id = message.chat.id
    if context.bot_data[OPEN_KEYBOARDS].get(chat_id) == message.message_id:
        del context.bot_data[OPEN_KEYBOARDS][chat_id]
    if not context.bot_data[PRESSED_KEYBOARDS].add((chat_id, message.message_id)):
        logger.info("Ignored a second press on the same keyboard")
        return
    try:
        # Via the bot, not query.edit_message_reply_markup: that shortcut raises TypeError when
        # PTB hands us an InaccessibleMessage (one older than 48 h, sent with date 0).
        await context.bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message.message_id, reply_markup=None
        )
    except TelegramError as exc:  # e.g. the message is too old to edit; the press still counts
        logger.info("Could not remove a keyboard (%s)", type(exc).__name__)
    payload = context.bot_data[PAYLOADS].resolve(query.data or "")
    if not payload:
        await context.bot.send_message(chat_id, BUTTON_EXPIRED_REPLY)
        return
    await _relay(context, chat_id, payload)


async def _on_attachment(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None:
        await update.message.reply_text(TEXT_ONLY_REPLY)


async def _on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat, edited = update.effective_chat, update.edited_message
    if chat is None or edited is None:
        return
    # One note per edited message (however often it is edited), so no edit passes unremarked.
    if context.bot_data[TOLD_ABOUT_EDITS].add((chat.id, edited.message_id)):
        await context.bot.send_message(chat.id, EDITED_REPLY)


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The update and the error's arguments can hold personal text: log the type and traceback.
    error = context.error
    logger.error("Error while handling an update: %s", type(error).__name__, exc_info=error)


# --- relaying -----------------------------------------------------------------------------


async def _relay(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str) -> None:
    """Send ``text`` to Rasa as this chat's pseudonym and pass every reply on, in order."""
    sender = context.bot_data[SENDER_FOR](chat_id)
    # Every log line of this turn carries the conversation's log pseudonym (bot/logs.py).
    with context.bot_data[LOG_NAME_FOR](sender):
        await _relay_as(context, chat_id, sender, text)


async def _relay_as(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, sender: str, text: str
) -> None:
    client: RasaClient = context.bot_data[RASA_CLIENT]
    try:
        async with _typing(context.bot, chat_id):
            replies = await client.send(sender, text)
    except RasaError as exc:
        logger.warning(
            "Rasa could not answer (%s); asked the person to try again", type(exc).__name__
        )
        await deliver(context.bot.send_message, chat_id, TROUBLE_REPLY)
        return
    if shows_nothing(replies) and not any(wants_erasure(reply) for reply in replies):
        # Rasa answers with nothing when an action failed (the action server is down): the
        # form is still at the same question, so the person's next message answers it.
        logger.warning("Rasa answered with nothing; asked the person to try again")
        await deliver(context.bot.send_message, chat_id, TROUBLE_REPLY)
        return
    with_buttons = await send_replies(context.bot, chat_id, replies, context.bot_data[PAYLOADS])
    if with_buttons is not None:
        context.bot_data[OPEN_KEYBOARDS][chat_id] = with_buttons
    if any(wants_erasure(reply) for reply in replies):
        # Rasa has saved this turn by now, so its copy of the conversation can go too.
        erased = await asyncio.to_thread(erase_conversation, context.bot_data[SETTINGS], sender)
        context.bot_data[OPEN_KEYBOARDS].pop(chat_id, None)
        logger.info("Erased a conversation from the tracker store (%d events)", erased)


async def _remove_keyboard(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Take the buttons off the chat's last message that still has them, if any."""
    message_id = context.bot_data[OPEN_KEYBOARDS].pop(chat_id, None)
    if message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=None
        )
    except TelegramError as exc:  # e.g. too old to edit; the answer still goes through
        logger.info("Could not remove a keyboard (%s)", type(exc).__name__)


async def send_replies(
    bot: Bot,
    chat_id: int,
    replies: Iterable[Mapping[str, Any]],
    store: PayloadStore | None = None,
) -> int | None:
    """Send Rasa's bot messages to a chat, in order; return the id of the last one with buttons.

    Text is split to Telegram's limit; buttons become an inline keyboard on the last part.
    An ``image`` is sent as a photo after the text. A ``custom`` payload is used for its
    ``text`` and its ``document`` (sent as a file); anything else in it is skipped (logged by
    key count only). Each call goes through :func:`bot.telegram.delivery.deliver`: tried
    again when Telegram did not take it, never sent twice.

    Args:
        bot: The bot to send with.
        chat_id: Where to send.
        replies: Rasa's bot messages.
        store: Keeps long button payloads (see :class:`~bot.telegram.format.PayloadStore`).
    """
    with_buttons = None
    for reply in replies:
        text = reply.get("text")
        custom = reply.get("custom")
        document = document_in(reply)
        if not text and isinstance(custom, Mapping) and isinstance(custom.get("text"), str):
            text = custom["text"]
        elif document is not None:
            filename, content = document
            await deliver(
                bot.send_document,
                chat_id,
                InputFile(content, filename=filename),
                filename=filename,
            )
        elif custom is not None and not wants_erasure(reply):
            size = len(custom) if isinstance(custom, Mapping) else 0
            logger.info("Skipped a custom payload (%d keys)", size)
        markup = buttons_to_markup(reply.get("buttons"), store)
        parts = split_message(clean_text(str(text or "")))
        if markup is not None and not parts:
            parts = [BUTTONS_ONLY_PROMPT]
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            markup_here = markup if last else None
            sent = await deliver(bot.send_message, chat_id, part, reply_markup=markup_here)
            if sent is not None and markup_here is not None:
                with_buttons = sent.message_id
        image = reply.get("image")
        if image:
            try:
                await deliver(bot.send_photo, chat_id, str(image))
            except TelegramError as exc:
                logger.warning("Could not send an image (%s); sent its link", type(exc).__name__)
                await deliver(bot.send_message, chat_id, str(image))
    return with_buttons


@contextlib.asynccontextmanager
async def _typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" in the chat until the block ends, refreshing it while Rasa thinks."""
    await _send_typing(bot, chat_id)

    async def keep_typing() -> None:
        while True:
            await asyncio.sleep(TYPING_REFRESH_SECONDS)
            await _send_typing(bot, chat_id)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _send_typing(bot: Bot, chat_id: int) -> None:
    try:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as exc:  # cosmetic: never let it stop a reply
        logger.debug("Could not send a typing action (%s)", type(exc).__name__)


async def _answer(query: CallbackQuery) -> None:
    try:
        await query.answer()
    except TelegramError as exc:  # e.g. the query is too old; nothing to do about it
        logger.info("Could not answer a button press (%s)", type(exc).__name__)
