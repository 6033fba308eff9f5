<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>ApiPage</name>
    <message>
        <source>Serve the REST API (the original service&apos;s /api/users/ and /api/notifications/)</source>
        <translation>Включить REST API (/api/users/ и /api/notifications/ прежнего сервиса)</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Адрес</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>Allow other computers to connect (plain HTTP: only the token protects it)</source>
        <translation>Разрешить подключения с других компьютеров (обычный HTTP: защищает только токен)</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Токен</translation>
    </message>
    <message>
        <source>Programs send it as the header “Authorization: Token &lt;token&gt;”. While the API runs, its documentation is at /api/docs/ on its address.</source>
        <translation>Программы передают его в заголовке «Authorization: Token &lt;токен&gt;». Пока API работает, его документация открыта по адресу /api/docs/.</translation>
    </message>
</context>
<context>
    <name>ApiStatusLabel</name>
    <message>
        <source>API: %1</source>
        <translation>API: %1</translation>
    </message>
    <message>
        <source>The REST API serves on http://%1/api/ (documentation: /api/docs/).</source>
        <translation>REST API работает на http://%1/api/ (документация: /api/docs/).</translation>
    </message>
    <message>
        <source>API: not running</source>
        <translation>API: не запущен</translation>
    </message>
</context>
<context>
    <name>ApiTokenWidget</name>
    <message>
        <source>reading the credential store…</source>
        <translation>чтение хранилища паролей…</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Показать</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Создать новый</translation>
    </message>
    <message>
        <source>the credential store cannot be used: %1</source>
        <translation>хранилище паролей недоступно: %1</translation>
    </message>
    <message>
        <source>none yet: made when the API first starts, or with Regenerate</source>
        <translation>ещё нет: он создаётся при первом запуске API или кнопкой «Создать новый»</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Скрыть</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Notifier cannot start:</source>
        <translation>Notifier не может запуститься:</translation>
    </message>
    <message>
        <source>A .env file in the current folder would send stored secrets to another server, so they are not used in this run:</source>
        <translation>Файл .env в текущей папке отправил бы сохранённые секреты на другой сервер, поэтому сейчас они не используются:</translation>
    </message>
</context>
<context>
    <name>AttemptLogModel</name>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Notification</source>
        <translation>Уведомл.</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>Получатель</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Канал</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Результат</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Длит.</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>доставлено</translation>
    </message>
    <message>
        <source>transient</source>
        <translation>врем. ошибка</translation>
    </message>
    <message>
        <source>permanent</source>
        <translation>пост. ошибка</translation>
    </message>
    <message>
        <source>unavailable</source>
        <translation>недоступен</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>прервано</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>отправка…</translation>
    </message>
    <message>
        <source>accepted, not confirmed yet</source>
        <translation>принято, не подтверждено</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>подтверждено</translation>
    </message>
    <message>
        <source>undelivered</source>
        <translation>не доставлено</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} с</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>в очереди</translation>
    </message>
</context>
<context>
    <name>ChannelOrderList</name>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>Вверх</translation>
    </message>
    <message>
        <source>Try this channel earlier</source>
        <translation>Пробовать этот канал раньше</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>Вниз</translation>
    </message>
    <message>
        <source>Try this channel later</source>
        <translation>Пробовать этот канал позже</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>Сбросить</translation>
    </message>
    <message>
        <source>Back to the default order from the settings</source>
        <translation>Вернуть порядок по умолчанию из настроек</translation>
    </message>
    <message>
        <source>This order is used for every recipient of this send.</source>
        <translation>Этот порядок применяется ко всем получателям этой отправки.</translation>
    </message>
    <message>
        <source>Recipients with a preferred order of their own keep it.</source>
        <translation>Получатели со своим порядком каналов сохраняют его.</translation>
    </message>
</context>
<context>
    <name>CheckPanel</name>
    <message>
        <source>Test connection</source>
        <translation>Проверить подключение</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Проверка…</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>Успешно</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Ошибка</translation>
    </message>
</context>
<context>
    <name>ComposeView</name>
    <message>
        <source>Send</source>
        <translation>Отправить</translation>
    </message>
    <message>
        <source>Queue the message for every chosen recipient (Ctrl+Enter)</source>
        <translation>Поставить сообщение в очередь для всех выбранных получателей (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Optional; email subject and first line of SMS and Telegram</source>
        <translation>Необязательно; тема письма и первая строка SMS и Telegram</translation>
    </message>
    <message>
        <source>Write the message. {name}, {email} and {phone} are filled in for each recipient.</source>
        <translation>Текст сообщения. {name}, {email} и {phone} подставляются для каждого получателя.</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Тема</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Сообщение</translation>
    </message>
    <message>
        <source>Insert a placeholder:</source>
        <translation>Вставить подстановку:</translation>
    </message>
    <message>
        <source>The recipient&apos;s name</source>
        <translation>Имя получателя</translation>
    </message>
    <message>
        <source>The recipient&apos;s email address</source>
        <translation>Адрес эл. почты получателя</translation>
    </message>
    <message>
        <source>The recipient&apos;s phone number</source>
        <translation>Номер телефона получателя</translation>
    </message>
    <message>
        <source>Channel order for this send</source>
        <translation>Порядок каналов для этой отправки</translation>
    </message>
    <message>
        <source>Queuing…</source>
        <translation>Постановка в очередь…</translation>
    </message>
    <message>
        <source>Choose at least one recipient.</source>
        <translation>Выберите хотя бы одного получателя.</translation>
    </message>
    <message>
        <source>Choose at least one channel.</source>
        <translation>Выберите хотя бы один канал.</translation>
    </message>
    <message>
        <source>Enter both the login and the password, or untick this group to use the default account.</source>
        <translation>Укажите и логин, и пароль или снимите флажок группы, чтобы использовать учётную запись по умолчанию.</translation>
    </message>
    <message>
        <source>Not sent.</source>
        <translation>Не отправлено.</translation>
    </message>
    <message>
        <source>Some recipients were deleted meanwhile; check the list and send again.</source>
        <translation>Некоторые получатели за это время были удалены; проверьте список и отправьте снова.</translation>
    </message>
    <message>
        <source>Not sent again.</source>
        <translation>Повторно не отправлено.</translation>
    </message>
    <message numerus="yes">
        <source>Queued %n notification(s).</source>
        <translation>
            <numerusform>В очередь поставлено %n уведомление.</numerusform>
            <numerusform>В очередь поставлено %n уведомления.</numerusform>
            <numerusform>В очередь поставлено %n уведомлений.</numerusform>
        </translation>
    </message>
    <message>
        <source>The message could not be queued; see the log for details.</source>
        <translation>Не удалось поставить сообщение в очередь; подробности в журнале.</translation>
    </message>
    <message>
        <source>Send to many recipients?</source>
        <translation>Отправить многим получателям?</translation>
    </message>
    <message numerus="yes">
        <source>This message goes to %n recipient(s). Queue it for all of them?</source>
        <translation>
            <numerusform>Сообщение будет отправлено %n получателю. Поставить его в очередь?</numerusform>
            <numerusform>Сообщение будет отправлено %n получателям. Поставить его в очередь для всех?</numerusform>
            <numerusform>Сообщение будет отправлено %n получателям. Поставить его в очередь для всех?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> and %n more</source>
        <translation>
            <numerusform> и ещё %n</numerusform>
            <numerusform> и ещё %n</numerusform>
            <numerusform> и ещё %n</numerusform>
        </translation>
    </message>
    <message>
        <source>Send the same message again?</source>
        <translation>Отправить то же сообщение ещё раз?</translation>
    </message>
    <message>
        <source>Send to 1 recipient</source>
        <translation>Отправить 1 получателю</translation>
    </message>
    <message numerus="yes">
        <source>Send to %n recipients</source>
        <translation>
            <numerusform>Отправить %n получателю</numerusform>
            <numerusform>Отправить %n получателям</numerusform>
            <numerusform>Отправить %n получателям</numerusform>
        </translation>
    </message>
    <message>
        <source>Not a placeholder, sent exactly as written: {unknown}. The placeholders are {known}.</source>
        <translation>Это не подстановка, уйдёт как написано: {unknown}. Подстановки: {known}.</translation>
    </message>
    <message>
        <source>Queuing the message (recipients: %1)…</source>
        <translation>Сообщение ставится в очередь (получателей: %1)…</translation>
    </message>
    <message>
        <source>The same message was queued for {names} within the last {minutes} minutes. Send it again to all {count} recipients of this message?</source>
        <translation>За последние {minutes} мин. это же сообщение уже ставилось в очередь для получателей: {names}. Отправить ещё раз всем получателям этого сообщения ({count})?</translation>
    </message>
</context>
<context>
    <name>CoreMessage</name>
    <message>
        <source>connecting</source>
        <translation>при подключении</translation>
    </message>
    <message>
        <source>starting TLS</source>
        <translation>при включении TLS</translation>
    </message>
    <message>
        <source>logging in</source>
        <translation>при входе</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>при отправке</translation>
    </message>
    <message>
        <source>name</source>
        <translation>имя</translation>
    </message>
    <message>
        <source>email</source>
        <translation>эл. почта</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>телефон</translation>
    </message>
    <message>
        <source>telegram_chat_id</source>
        <translation>чат Telegram</translation>
    </message>
    <message>
        <source>subject</source>
        <translation>тема</translation>
    </message>
    <message>
        <source>text</source>
        <translation>текст</translation>
    </message>
    <message>
        <source>channels</source>
        <translation>каналы</translation>
    </message>
    <message>
        <source>recipient</source>
        <translation>получатель</translation>
    </message>
    <message>
        <source>message</source>
        <translation>сообщение</translation>
    </message>
    <message>
        <source>user</source>
        <translation>получатель</translation>
    </message>
    <message>
        <source>implicit TLS</source>
        <translation>TLS сразу</translation>
    </message>
    <message>
        <source>no TLS</source>
        <translation>без TLS</translation>
    </message>
    <message>
        <source>must not contain NUL characters</source>
        <translation>не может содержать символы NUL</translation>
    </message>
    <message>
        <source>number of 0 or more</source>
        <translation>число не меньше 0</translation>
    </message>
    <message>
        <source>yes/no value (1 or 0)</source>
        <translation>да или нет (1 или 0)</translation>
    </message>
    <message>
        <source>whole number</source>
        <translation>целое число</translation>
    </message>
    <message>
        <source>comma-separated list</source>
        <translation>список через запятую</translation>
    </message>
    <message>
        <source>comma-separated list of numbers of 0 or more</source>
        <translation>список чисел не меньше 0 через запятую</translation>
    </message>
    <message>
        <source>{some} or {last}</source>
        <translation>{some} или {last}</translation>
    </message>
    <message>
        <source>{env} must name a folder (INBOX if unsure)</source>
        <translation>нужно указать папку (если не уверены, INBOX): проверьте {env}</translation>
    </message>
    <message>
        <source>the settings file {path} cannot be read: {reason}</source>
        <translation>файл настроек {path} не читается: {reason}</translation>
    </message>
    <message>
        <source>the settings file {path} must hold a JSON object</source>
        <translation>файл настроек {path} должен содержать объект JSON</translation>
    </message>
    <message>
        <source>{env} is a secret; it belongs in the credential store, not the settings file</source>
        <translation>{env} — секрет: его место в хранилище учётных данных, а не в файле настроек</translation>
    </message>
    <message>
        <source>unknown setting {env}</source>
        <translation>неизвестная настройка {env}</translation>
    </message>
    <message>
        <source>the .env file to read, {path}, is not a file</source>
        <translation>указанный .env-файл {path} — не файл</translation>
    </message>
    <message>
        <source>the credential store ({backend}) {what}: {failure}</source>
        <translation>хранилище учётных данных ({backend}) {what}: {failure}</translation>
    </message>
    <message>
        <source>cannot be read</source>
        <translation>не читается</translation>
    </message>
    <message>
        <source>refused to save {secret}</source>
        <translation>отказалось сохранить {secret}</translation>
    </message>
    <message>
        <source>refused to delete {secret}</source>
        <translation>отказалось удалить {secret}</translation>
    </message>
    <message>
        <source>unknown secret {name}; known: {names}</source>
        <translation>неизвестный секрет {name}; известны: {names}</translation>
    </message>
    <message>
        <source>an empty secret cannot be stored; use delete</source>
        <translation>пустой секрет нельзя сохранить; чтобы убрать секрет, удалите его</translation>
    </message>
    <message>
        <source>secrets are not kept in an encrypted file here</source>
        <translation>здесь секреты не хранятся в зашифрованном файле</translation>
    </message>
    <message>
        <source>the credential store did not keep {secret}; the .env files were left as they were</source>
        <translation>хранилище учётных данных не сохранило {secret}; файлы .env оставлены как были</translation>
    </message>
    <message>
        <source>{path} changes {env} to {value} (otherwise {before}), so the stored {secret} is not sent there; to use it, save the setting in Settings</source>
        <translation>{path} меняет {env} на {value} (иначе {before}), поэтому сохранённый секрет {secret} туда не отправляется; чтобы его использовать, сохраните эту настройку в настройках</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>не задано</translation>
    </message>
    <message>
        <source>unknown or read-only setting {env}</source>
        <translation>неизвестная или неизменяемая настройка {env}</translation>
    </message>
    <message>
        <source>{path} holds secrets; remove them from the file and enter them in Settings instead</source>
        <translation>в {path} есть секреты: удалите их из файла и введите в настройках</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>пусто</translation>
    </message>
    <message>
        <source>the Twilio auth token</source>
        <translation>токен Twilio</translation>
    </message>
    <message>
        <source>the Android SMS gateway password</source>
        <translation>пароль Android SMS-шлюза</translation>
    </message>
    <message>
        <source>the SMS.ru api_id</source>
        <translation>ключ API SMS.ru</translation>
    </message>
    <message>
        <source>above 0</source>
        <translation>больше 0</translation>
    </message>
    <message>
        <source>0 or more</source>
        <translation>не меньше 0</translation>
    </message>
    <message>
        <source>the recipient has no email address</source>
        <translation>у получателя нет адреса эл. почты</translation>
    </message>
    <message>
        <source>the recipient has no phone number</source>
        <translation>у получателя нет номера телефона</translation>
    </message>
    <message>
        <source>the recipient has no linked Telegram chat</source>
        <translation>у получателя нет привязанного чата Telegram</translation>
    </message>
    <message>
        <source>the recipient has no linked Telegram chat (they must press Start in the bot first)</source>
        <translation>у получателя нет привязанного чата Telegram (сначала он должен нажать «Старт» в боте)</translation>
    </message>
    <message>
        <source>Telegram is not configured: there is no bot token (create a bot with @BotFather and save its token)</source>
        <translation>Telegram не настроен: нет токена бота (создайте бота в @BotFather и сохраните его токен)</translation>
    </message>
    <message>
        <source>sandbox: written to {path}</source>
        <translation>песочница: записано в {path}</translation>
    </message>
    <message>
        <source>accepted by {host}, queued as {queue_id}</source>
        <translation>принято сервером {host}, номер в очереди {queue_id}</translation>
    </message>
    <message>
        <source>accepted by {host}</source>
        <translation>принято сервером {host}</translation>
    </message>
    <message>
        <source>{message}; held until its lifetime of {seconds} s ended</source>
        <translation>{message}; удерживалось, пока не истёк срок жизни {seconds} с</translation>
    </message>
    <message>
        <source>every channel failed or is unavailable</source>
        <translation>все каналы не сработали или недоступны</translation>
    </message>
    <message>
        <source>every channel failed</source>
        <translation>все каналы не сработали</translation>
    </message>
    <message>
        <source>gave up after {rounds} rounds: lifetime of {seconds} s reached</source>
        <translation>попытки прекращены после {rounds} кругов: истёк срок жизни {seconds} с</translation>
    </message>
    <message>
        <source>the worker stopped during this attempt</source>
        <translation>обработчик остановился во время этой попытки</translation>
    </message>
    <message>
        <source>the worker stopped during this attempt; the message may or may not have gone out</source>
        <translation>обработчик остановился во время этой попытки; сообщение могло уйти, а могло и нет</translation>
    </message>
    <message>
        <source>the SMTP server refused the connection (is it running, is the port right?)</source>
        <translation>SMTP-сервер отказал в подключении (запущен ли он, верен ли порт?)</translation>
    </message>
    <message>
        <source>the SMTP server did not answer in time while {where}</source>
        <translation>SMTP-сервер не ответил вовремя {where}</translation>
    </message>
    <message>
        <source>the SMTP host name cannot be resolved ({reason})</source>
        <translation>имя SMTP-сервера не разрешается ({reason})</translation>
    </message>
    <message>
        <source>the SMTP login or password was not accepted: {reply}</source>
        <translation>SMTP-логин или пароль не приняты: {reply}</translation>
    </message>
    <message>
        <source>the server wants an app password (2-step verification is on): {reply}</source>
        <translation>сервер требует пароль приложения (включена двухэтапная проверка): {reply}</translation>
    </message>
    <message>
        <source>the server&apos;s TLS certificate is not trusted: {reason}</source>
        <translation>TLS-сертификату сервера нет доверия: {reason}</translation>
    </message>
    <message>
        <source>the server refused the recipient for now: {reply}</source>
        <translation>сервер временно отклонил получателя: {reply}</translation>
    </message>
    <message>
        <source>the server refused the recipient: {reply}</source>
        <translation>сервер отклонил получателя: {reply}</translation>
    </message>
    <message>
        <source>the server closed the connection while {where}</source>
        <translation>сервер закрыл соединение {where}</translation>
    </message>
    <message>
        <source>network error while {where}: {reason}</source>
        <translation>сетевая ошибка {where}: {reason}</translation>
    </message>
    <message>
        <source>the message is larger than the server accepts: {reply}</source>
        <translation>сообщение больше, чем принимает сервер: {reply}</translation>
    </message>
    <message>
        <source>credentials rejected — fix them in Settings ({message})</source>
        <translation>учётные данные отклонены — исправьте их в настройках ({message})</translation>
    </message>
    <message>
        <source>the address has non-ASCII characters before the @ and needs SMTPUTF8, which the SMTP server does not offer</source>
        <translation>в адресе до @ есть не-ASCII символы, для них нужен SMTPUTF8, а SMTP-сервер его не поддерживает</translation>
    </message>
    <message>
        <source>waiting for a free SMTP connection (the server allows {count})</source>
        <translation>ожидание свободного SMTP-соединения (сервер разрешает {count})</translation>
    </message>
    <message>
        <source>the SMTP server allows fewer connections (now {count})</source>
        <translation>SMTP-сервер разрешает меньше соединений (сейчас {count})</translation>
    </message>
    <message>
        <source>the person blocked the bot (403); they must unblock it and press Start in the bot before Telegram messages can reach them</source>
        <translation>человек заблокировал бота (403); чтобы сообщения в Telegram доходили, он должен разблокировать бота и нажать «Старт»</translation>
    </message>
    <message>
        <source>the person has not started a chat with the bot (403); they must open the bot in Telegram and press Start (send them the link from the recipient dialog)</source>
        <translation>человек не начинал чат с ботом (403); он должен открыть бота в Telegram и нажать «Старт» (отправьте ему ссылку из карточки получателя)</translation>
    </message>
    <message>
        <source>the person&apos;s Telegram account was deleted (403 user is deactivated)</source>
        <translation>аккаунт Telegram этого человека удалён (403 user is deactivated)</translation>
    </message>
    <message>
        <source>the bot token was rejected by Telegram (401 Unauthorized): it is wrong or was revoked; copy it again from @BotFather</source>
        <translation>Telegram отклонил токен бота (401 Unauthorized): он неверен или отозван; скопируйте его заново из @BotFather</translation>
    </message>
    <message>
        <source>Telegram rate limit (429 Too Many Requests): {when}</source>
        <translation>ограничение частоты Telegram (429 Too Many Requests): {when}</translation>
    </message>
    <message>
        <source>retry after {seconds} s</source>
        <translation>повтор через {seconds} с</translation>
    </message>
    <message>
        <source>retry later</source>
        <translation>повтор позже</translation>
    </message>
    <message>
        <source>{message}; the server does not offer SMTPUTF8 (addresses with non-ASCII before the @ cannot be sent)</source>
        <translation>{message}; сервер не поддерживает SMTPUTF8 (адреса с не-ASCII символами до @ отправить нельзя)</translation>
    </message>
    <message>
        <source>Connected to {address} ({mode}, logged in as {user})</source>
        <translation>Подключено к {address} ({mode}, вход как {user})</translation>
    </message>
    <message>
        <source>Connected to {address} ({mode})</source>
        <translation>Подключено к {address} ({mode})</translation>
    </message>
    <message>
        <source>Email is not configured: set SMTP_HOST</source>
        <translation>Эл. почта не настроена: задайте SMTP_HOST</translation>
    </message>
    <message>
        <source>Telegram is not configured: store the bot token (secret telegram_bot_token)</source>
        <translation>Telegram не настроен: сохраните токен бота (секрет telegram_bot_token)</translation>
    </message>
    <message>
        <source>connected as @{name}</source>
        <translation>подключено как @{name}</translation>
    </message>
    <message>
        <source>this token belongs to a user account, not a bot</source>
        <translation>этот токен принадлежит аккаунту пользователя, а не боту</translation>
    </message>
    <message>
        <source>no delivery report within {seconds} s of acceptance</source>
        <translation>нет отчёта о доставке в течение {seconds} с после приёма</translation>
    </message>
    <message>
        <source>{message} (SMS.ru {code}, message {id})</source>
        <translation>{message} (SMS.ru {code}, сообщение {id})</translation>
    </message>
    <message>
        <source>SMS.ru reports {id} delivered (SMS.ru {code})</source>
        <translation>SMS.ru сообщает: {id} доставлено (SMS.ru {code})</translation>
    </message>
    <message>
        <source>{outcome} (reported after the chain moved on): {detail}</source>
        <translation>{outcome} (сообщено после того, как цепочка пошла дальше): {detail}</translation>
    </message>
    <message>
        <source>{outcome} (reported after the chain moved on)</source>
        <translation>{outcome} (сообщено после того, как цепочка пошла дальше)</translation>
    </message>
    <message>
        <source>{before}; {after}</source>
        <translation>{before}; {after}</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>подтверждено</translation>
    </message>
    <message>
        <source>undelivered</source>
        <translation>не доставлено</translation>
    </message>
    <message>
        <source>unknown channel {channel}</source>
        <translation>неизвестный канал {channel}</translation>
    </message>
    <message>
        <source>internal error in the {channel} channel ({error}); see the log</source>
        <translation>внутренняя ошибка канала {channel} ({error}); подробности в журнале программы</translation>
    </message>
    <message>
        <source>the IMAP server dropped the connection while logging in: {error}</source>
        <translation>IMAP-сервер разорвал соединение при входе: {error}</translation>
    </message>
    <message>
        <source>the IMAP folder {folder} cannot be read now: {error}</source>
        <translation>папку IMAP {folder} сейчас не прочитать: {error}</translation>
    </message>
    <message>
        <source>the IMAP folder cannot be read now: {error}</source>
        <translation>папку IMAP сейчас не прочитать: {error}</translation>
    </message>
    <message>
        <source>the IMAP server did not search the folder: {said}</source>
        <translation>IMAP-сервер не выполнил поиск в папке: {said}</translation>
    </message>
    <message>
        <source>the IMAP server did not return the messages: {said}</source>
        <translation>IMAP-сервер не вернул письма: {said}</translation>
    </message>
    <message>
        <source>the IMAP server did not mark the bounces: {said}</source>
        <translation>IMAP-сервер не пометил возвраты: {said}</translation>
    </message>
    <message>
        <source>the bounces could not be marked now: {error}</source>
        <translation>возвраты сейчас не удалось пометить: {error}</translation>
    </message>
    <message>
        <source>the per-send SMTP password is missing from the credential store</source>
        <translation>пароля SMTP для этой отправки нет в хранилище учётных данных</translation>
    </message>
    <message>
        <source>the message headers are invalid: an encoded word would add header lines or a body</source>
        <translation>заголовки письма недопустимы: закодированное слово добавило бы строки заголовков или тело</translation>
    </message>
    <message>
        <source>the message headers are invalid: {error}</source>
        <translation>заголовки письма недопустимы: {error}</translation>
    </message>
    <message>
        <source>the address {address} has a domain that cannot be written in ASCII ({error})</source>
        <translation>домен адреса {address} нельзя записать в ASCII ({error})</translation>
    </message>
    <message>
        <source>temporary authentication failure: {reply}</source>
        <translation>временная ошибка входа: {reply}</translation>
    </message>
    <message>
        <source>the server refused the sender for now: {reply}</source>
        <translation>сервер пока отклонил отправителя: {reply}</translation>
    </message>
    <message>
        <source>the server requires authentication or STARTTLS first: {reply}</source>
        <translation>сервер требует сначала вход или STARTTLS: {reply}</translation>
    </message>
    <message>
        <source>the server does not allow this From address: {reply}</source>
        <translation>сервер не разрешает этот адрес отправителя: {reply}</translation>
    </message>
    <message>
        <source>the server is not accepting connections now: {reply}</source>
        <translation>сервер сейчас не принимает подключения: {reply}</translation>
    </message>
    <message>
        <source>the host does not accept mail: {reply}</source>
        <translation>этот сервер не принимает почту: {reply}</translation>
    </message>
    <message>
        <source>the server refused our greeting for now: {reply}</source>
        <translation>сервер пока отклонил наше приветствие: {reply}</translation>
    </message>
    <message>
        <source>the server refused our greeting: {reply}</source>
        <translation>сервер отклонил наше приветствие: {reply}</translation>
    </message>
    <message>
        <source>the server does not offer AUTH here (login before STARTTLS, or the wrong port)</source>
        <translation>сервер не предлагает здесь AUTH (вход до STARTTLS или не тот порт)</translation>
    </message>
    <message>
        <source>the server cannot take this message: {error}</source>
        <translation>сервер не может принять это письмо: {error}</translation>
    </message>
    <message>
        <source>temporary failure while {where}: {reply}</source>
        <translation>временная ошибка {where}: {reply}</translation>
    </message>
    <message>
        <source>STARTTLS was refused: {reply}</source>
        <translation>в STARTTLS отказано: {reply}</translation>
    </message>
    <message>
        <source>the server rejected the message while {where}: {reply}</source>
        <translation>сервер отклонил письмо {where}: {reply}</translation>
    </message>
    <message>
        <source>SMTP error while {where}: {error}</source>
        <translation>ошибка SMTP {where}: {error}</translation>
    </message>
    <message>
        <source>TLS failed while {where}: {reason}</source>
        <translation>сбой TLS {where}: {reason}</translation>
    </message>
    <message>
        <source>the message cannot be sent as written: {error}</source>
        <translation>письмо нельзя отправить в таком виде: {error}</translation>
    </message>
    <message>
        <source>unexpected error while {where}: {error}</source>
        <translation>непредвиденная ошибка {where}: {error}</translation>
    </message>
    <message>
        <source>the Telegram bot token contains spaces or URL characters; paste it again from @BotFather</source>
        <translation>токен бота Telegram содержит пробелы или символы URL; вставьте его заново из @BotFather</translation>
    </message>
    <message>
        <source>the Telegram bot token cannot be read: {reason}</source>
        <translation>токен бота Telegram не удаётся прочитать: {reason}</translation>
    </message>
    <message>
        <source>could not connect to {host} within {seconds} s</source>
        <translation>не удалось подключиться к {host} за {seconds} с</translation>
    </message>
    <message>
        <source>{host} did not answer {method} within {seconds} s</source>
        <translation>{host} не ответил на {method} за {seconds} с</translation>
    </message>
    <message>
        <source>the request to {host} failed ({error})</source>
        <translation>запрос к {host} не удался ({error})</translation>
    </message>
    <message>
        <source>the connection was reset</source>
        <translation>соединение сброшено</translation>
    </message>
    <message>
        <source>the server closed the connection without answering</source>
        <translation>сервер закрыл соединение, не ответив</translation>
    </message>
    <message>
        <source>network error ({error})</source>
        <translation>сетевая ошибка ({error})</translation>
    </message>
    <message>
        <source>Telegram answered {method} with {code}: {said}</source>
        <translation>Telegram ответил на {method} кодом {code}: {said}</translation>
    </message>
    <message>
        <source>{message}; Telegram may already have delivered it, so a retry can send it twice</source>
        <translation>{message}; Telegram мог уже доставить сообщение, повтор может отправить его дважды</translation>
    </message>
    <message>
        <source>the local Bot API server is not set up for this bot: {said}</source>
        <translation>локальный сервер Bot API не настроен для этого бота: {said}</translation>
    </message>
    <message>
        <source>the bot is not allowed in that chat any more ({said}); add it back or link another chat</source>
        <translation>бота больше нет в этом чате ({said}); добавьте его снова или привяжите другой чат</translation>
    </message>
    <message>
        <source>Telegram refused to deliver ({said}); the person may need to press Start in the bot</source>
        <translation>Telegram отказался доставить ({said}); возможно, получателю нужно нажать «Старт» в боте</translation>
    </message>
    <message>
        <source>Telegram does not know this chat (400 chat not found): the chat id is wrong or the person never pressed Start in this bot; link them again</source>
        <translation>Telegram не знает этот чат (400 chat not found): неверный id чата или получатель не нажимал «Старт» в этом боте; привяжите его заново</translation>
    </message>
    <message>
        <source>Telegram says the message is too long (400); it should have been split (a bug)</source>
        <translation>Telegram считает сообщение слишком длинным (400); его следовало разбить (ошибка программы)</translation>
    </message>
    <message>
        <source>Telegram could not parse the message formatting: {said}</source>
        <translation>Telegram не смог разобрать оформление сообщения: {said}</translation>
    </message>
    <message>
        <source>Telegram rejected the request: {said}</source>
        <translation>Telegram отклонил запрос: {said}</translation>
    </message>
    <message>
        <source>Telegram reported a conflict: {said}</source>
        <translation>Telegram сообщил о конфликте: {said}</translation>
    </message>
    <message>
        <source>Telegram server error {code}: {said}</source>
        <translation>ошибка сервера Telegram {code}: {said}</translation>
    </message>
    <message>
        <source>Telegram rejected the request ({code}): {said}</source>
        <translation>Telegram отклонил запрос ({code}): {said}</translation>
    </message>
    <message>
        <source>Telegram pacing: the next free slot for this chat is in {seconds} s; the message waits in the queue meanwhile</source>
        <translation>темп Telegram: следующее свободное окно для этого чата через {seconds} с; сообщение пока ждёт в очереди</translation>
    </message>
    <message>
        <source>the group became a supergroup: chat id {old} is now {new}; update the recipient&apos;s Telegram chat id</source>
        <translation>группа стала супергруппой: чат {old} теперь {new}; обновите id чата Telegram у получателя</translation>
    </message>
    <message>
        <source>sent as plain text because Telegram could not parse the formatting ({said})</source>
        <translation>отправлено простым текстом: Telegram не смог разобрать оформление ({said})</translation>
    </message>
    <message>
        <source>delivered to Telegram chat {chat}</source>
        <translation>доставлено в чат Telegram {chat}</translation>
    </message>
    <message>
        <source>delivered to Telegram chat {chat} in {parts} parts</source>
        <translation>доставлено в чат Telegram {chat} частями: {parts}</translation>
    </message>
    <message>
        <source>delivered to Telegram chat {chat} in {parts} parts ({resumed} already sent by an earlier try)</source>
        <translation>доставлено в чат Telegram {chat} частями: {parts} ({resumed} уже отправлены прошлой попыткой)</translation>
    </message>
    <message>
        <source>{message}; {note}</source>
        <translation>{message}; {note}</translation>
    </message>
    <message>
        <source>the check failed unexpectedly ({error})</source>
        <translation>проверка неожиданно не удалась ({error})</translation>
    </message>
    <message>
        <source>internal error reading {title} delivery reports ({error}); see the log</source>
        <translation>внутренняя ошибка при чтении отчётов о доставке {title} ({error}); подробности в журнале программы</translation>
    </message>
    <message>
        <source>SMS rate limit: the next free slot is in {seconds} s; the message waits in the queue</source>
        <translation>ограничение частоты SMS: следующее свободное окно через {seconds} с; сообщение ждёт в очереди</translation>
    </message>
    <message>
        <source>internal error in the {title} SMS provider ({error}); see the log</source>
        <translation>внутренняя ошибка SMS-провайдера {title} ({error}); подробности в журнале программы</translation>
    </message>
    <message>
        <source>{message} [{segments} SMS, {encoding}]</source>
        <translation>{message} [SMS: {segments}, {encoding}]</translation>
    </message>
    <message>
        <source>[{segments} SMS, {encoding}]</source>
        <translation>[SMS: {segments}, {encoding}]</translation>
    </message>
    <message>
        <source>the text needs {segments} SMS segments ({units} {encoding} units); {title} accepts at most {most} segments (about {most_units} {encoding} units) — shorten the message</source>
        <translation>тексту нужно SMS-сегментов: {segments} (единиц {encoding}: {units}); {title} принимает не больше {most} сегментов (около {most_units} единиц {encoding}) — сократите сообщение</translation>
    </message>
    <message>
        <source>the text is {chars} characters ({segments} SMS segments, {encoding}); {title} accepts at most {most} characters — shorten the message</source>
        <translation>в тексте {chars} символов (SMS-сегментов: {segments}, {encoding}); {title} принимает не больше {most} символов — сократите сообщение</translation>
    </message>
    <message>
        <source>{what} cannot be read: {reason}</source>
        <translation>не удаётся прочитать {what}: {reason}</translation>
    </message>
    <message>
        <source>{title} ({at}) did not answer within {timeout} s.{maybe}</source>
        <translation>{title} ({at}) не ответил за {timeout} с.{maybe}</translation>
    </message>
    <message>
        <source>the {title} address is not a valid http(s) URL; check the API base setting</source>
        <translation>адрес {title} — не допустимый http(s) URL; проверьте адрес API в настройках</translation>
    </message>
    <message>
        <source>{title} ({at}) did not accept a connection within {timeout} s</source>
        <translation>{title} ({at}) не принял подключение за {timeout} с</translation>
    </message>
    <message>
        <source>the TLS certificate of {at} is not trusted; nothing was sent (a proxy intercepting HTTPS, or a wrong API base URL)</source>
        <translation>сертификату TLS {at} нет доверия; ничего не отправлено (прокси перехватывает HTTPS или неверный адрес API)</translation>
    </message>
    <message>
        <source>the TLS connection to {title} ({at}) failed</source>
        <translation>TLS-соединение с {title} ({at}) не удалось</translation>
    </message>
    <message>
        <source>the host name of {title} ({at}) cannot be resolved; check the network or the API base setting</source>
        <translation>имя хоста {title} ({at}) не разрешается; проверьте сеть или адрес API в настройках</translation>
    </message>
    <message>
        <source>{title} ({at}) refused the connection (wrong address or port, or the service is not running)</source>
        <translation>{title} ({at}) отказал в подключении (неверный адрес или порт, или служба не запущена)</translation>
    </message>
    <message>
        <source>network error talking to {title} ({at}): {reason}.{maybe}</source>
        <translation>сетевая ошибка при обмене с {title} ({at}): {reason}.{maybe}</translation>
    </message>
    <message>
        <source>the connection to {title} ({at}) failed or was dropped.{maybe}</source>
        <translation>соединение с {title} ({at}) не удалось или оборвалось.{maybe}</translation>
    </message>
    <message>
        <source>the {title} request cannot be built: {error}</source>
        <translation>запрос к {title} не удаётся составить: {error}</translation>
    </message>
    <message>
        <source> The message may have been accepted anyway; a retry can deliver it twice.</source>
        <translation> Сообщение могло всё же быть принято; повтор может доставить его дважды.</translation>
    </message>
    <message>
        <source>the Android SMS gateway needs its password (secret {secret})</source>
        <translation>шлюзу Android SMS нужен пароль ({secret})</translation>
    </message>
    <message>
        <source>the gateway rejected the message ({said})</source>
        <translation>шлюз отклонил сообщение ({said})</translation>
    </message>
    <message>
        <source>the gateway does not allow these credentials to send ({said})</source>
        <translation>шлюз не разрешает отправку с этими учётными данными ({said})</translation>
    </message>
    <message>
        <source>the gateway is rate-limiting requests ({said})</source>
        <translation>шлюз ограничивает частоту запросов ({said})</translation>
    </message>
    <message>
        <source>the gateway&apos;s queue is full or the phone is offline ({said})</source>
        <translation>очередь шлюза заполнена или телефон не в сети ({said})</translation>
    </message>
    <message>
        <source>the gateway had an internal error ({said})</source>
        <translation>внутренняя ошибка шлюза ({said})</translation>
    </message>
    <message>
        <source>the gateway refused the message ({said})</source>
        <translation>шлюз отказался принять сообщение ({said})</translation>
    </message>
    <message>
        <source>the phone has not answered {count} times in a row (is it on, in the same network, with the gateway app running?): {message}</source>
        <translation>телефон не ответил {count} раз подряд (включён ли он, в той же ли сети, запущено ли приложение шлюза?): {message}</translation>
    </message>
    <message>
        <source>the phone already had message {id} queued from an earlier try</source>
        <translation>сообщение {id} уже стояло в очереди телефона после прошлой попытки</translation>
    </message>
    <message>
        <source>no reason given</source>
        <translation>причина не указана</translation>
    </message>
    <message>
        <source>the phone could not send the SMS: {error}</source>
        <translation>телефон не смог отправить SMS: {error}</translation>
    </message>
    <message>
        <source>queued on the phone as {id} (state {state})</source>
        <translation>поставлено в очередь телефона как {id} (состояние {state})</translation>
    </message>
    <message>
        <source>SMS.ru rejected the send time (time parameter)</source>
        <translation>SMS.ru отклонил время отправки (параметр time)</translation>
    </message>
    <message>
        <source>SMS.ru wants POST for this request (client bug)</source>
        <translation>SMS.ru требует POST для этого запроса (ошибка программы)</translation>
    </message>
    <message>
        <source>SMS.ru wants the text in UTF-8 (client bug)</source>
        <translation>SMS.ru требует текст в UTF-8 (ошибка программы)</translation>
    </message>
    <message>
        <source>more than 100 numbers in one request (client bug)</source>
        <translation>больше 100 номеров в одном запросе (ошибка программы)</translation>
    </message>
    <message>
        <source>SMS.ru refused {whose} with a code this program does not know (SMS.ru {said})</source>
        <translation>SMS.ru отклонил {whose} с кодом, неизвестным программе (SMS.ru {said})</translation>
    </message>
    <message>
        <source>the request</source>
        <translation>запрос</translation>
    </message>
    <message>
        <source>the number</source>
        <translation>номер</translation>
    </message>
    <message>
        <source>the status request</source>
        <translation>запрос статуса</translation>
    </message>
    <message>
        <source>the key</source>
        <translation>ключ</translation>
    </message>
    <message>
        <source>the balance request</source>
        <translation>запрос баланса</translation>
    </message>
    <message>
        <source>SMS.ru needs the api_id (secret smsru_api_id)</source>
        <translation>SMS.ru нужен api_id (smsru_api_id)</translation>
    </message>
    <message>
        <source>SMS.ru answered HTTP {status}.{maybe}</source>
        <translation>SMS.ru ответил HTTP {status}.{maybe}</translation>
    </message>
    <message>
        <source>SMS.ru answered HTTP {status}: {body}.{maybe}</source>
        <translation>SMS.ru ответил HTTP {status}: {body}.{maybe}</translation>
    </message>
    <message>
        <source>SMS.ru&apos;s answer is not JSON ({body}).{maybe}</source>
        <translation>ответ SMS.ru — не JSON ({body}).{maybe}</translation>
    </message>
    <message>
        <source>SMS.ru&apos;s answer has no status ({body}).{maybe}</source>
        <translation>в ответе SMS.ru нет статуса ({body}).{maybe}</translation>
    </message>
    <message>
        <source>the phone number {phone} is not in international format (+ and digits)</source>
        <translation>номер телефона {phone} не в международном формате (+ и цифры)</translation>
    </message>
    <message>
        <source>SMS.ru accepted the request but its answer has no result for the number; the message may have been accepted, a retry can deliver it twice</source>
        <translation>SMS.ru принял запрос, но в ответе нет результата для номера; сообщение могло быть принято, повтор может доставить его дважды</translation>
    </message>
    <message>
        <source>SMS.ru accepted the message{test}{balance}</source>
        <translation>SMS.ru принял сообщение{test}{balance}</translation>
    </message>
    <message>
        <source>SMS.ru accepted the message {id}{test}{balance}</source>
        <translation>SMS.ru принял сообщение {id}{test}{balance}</translation>
    </message>
    <message>
        <source> in test mode (nothing sent)</source>
        <translation> в тестовом режиме (ничего не отправлено)</translation>
    </message>
    <message>
        <source>; balance {amount} RUB</source>
        <translation>; баланс {amount} руб.</translation>
    </message>
    <message>
        <source>SMS.ru reports {id} delivered and read (SMS.ru {code})</source>
        <translation>SMS.ru сообщает: {id} доставлено и прочитано (SMS.ru {code})</translation>
    </message>
    <message>
        <source>SMS.ru does not know this message</source>
        <translation>SMS.ru не знает такого сообщения</translation>
    </message>
    <message>
        <source>not delivered: its lifetime expired (the phone was off for long)</source>
        <translation>не доставлено: истёк срок жизни (телефон долго был выключен)</translation>
    </message>
    <message>
        <source>not delivered: deleted by the operator</source>
        <translation>не доставлено: удалено оператором</translation>
    </message>
    <message>
        <source>not delivered: phone failure</source>
        <translation>не доставлено: сбой телефона</translation>
    </message>
    <message>
        <source>not delivered: unknown reason</source>
        <translation>не доставлено: неизвестная причина</translation>
    </message>
    <message>
        <source>not delivered: rejected</source>
        <translation>не доставлено: отклонено</translation>
    </message>
    <message>
        <source>not delivered: the daily limit of messages to this number</source>
        <translation>не доставлено: дневной лимит сообщений на этот номер</translation>
    </message>
    <message>
        <source>not delivered: the limit of identical messages to this number per minute</source>
        <translation>не доставлено: лимит одинаковых сообщений на этот номер в минуту</translation>
    </message>
    <message>
        <source>not delivered: the limit of identical messages to this number per day</source>
        <translation>не доставлено: лимит одинаковых сообщений на этот номер в день</translation>
    </message>
    <message>
        <source>not delivered: no route to this number</source>
        <translation>не доставлено: нет маршрута до этого номера</translation>
    </message>
    <message>
        <source>the Twilio account is not permitted to do this (suspended or closed?)</source>
        <translation>учётной записи Twilio это не разрешено (приостановлена или закрыта?)</translation>
    </message>
    <message>
        <source>Twilio is limiting concurrent requests; the request was not processed</source>
        <translation>Twilio ограничивает одновременные запросы; запрос не обработан</translation>
    </message>
    <message>
        <source>Twilio says the recipient&apos;s number is not a valid phone number</source>
        <translation>Twilio считает номер получателя недопустимым</translation>
    </message>
    <message>
        <source>sending SMS to this country is not enabled for the Twilio account (Messaging Geo Permissions in the Twilio Console)</source>
        <translation>отправка SMS в эту страну не включена для учётной записи Twilio (Messaging Geo Permissions в консоли Twilio)</translation>
    </message>
    <message>
        <source>the recipient&apos;s number is missing</source>
        <translation>номер получателя не указан</translation>
    </message>
    <message>
        <source>the number is not verified for this trial account (upgrade the account or verify the number)</source>
        <translation>номер не подтверждён для пробной учётной записи (перейдите на платную или подтвердите номер)</translation>
    </message>
    <message>
        <source>the recipient unsubscribed by replying STOP; they must send START before they can get SMS again</source>
        <translation>получатель отписался, ответив STOP; чтобы снова получать SMS, он должен отправить START</translation>
    </message>
    <message>
        <source>the sender&apos;s Twilio queue is full; slowing down</source>
        <translation>очередь отправителя в Twilio заполнена; отправка замедляется</translation>
    </message>
    <message>
        <source>Twilio cannot route SMS from this sender to this number</source>
        <translation>Twilio не может доставить SMS от этого отправителя на этот номер</translation>
    </message>
    <message>
        <source>the number cannot receive SMS (a landline or not a mobile number)</source>
        <translation>номер не может принимать SMS (стационарный или не мобильный)</translation>
    </message>
    <message>
        <source>the text is longer than Twilio&apos;s 1,600 characters</source>
        <translation>текст длиннее 1600 символов, допустимых в Twilio</translation>
    </message>
    <message>
        <source>{message} ({said})</source>
        <translation>{message} ({said})</translation>
    </message>
    <message>
        <source>Twilio is rate-limiting requests ({said})</source>
        <translation>Twilio ограничивает частоту запросов ({said})</translation>
    </message>
    <message>
        <source>Twilio had a server error ({said}).{maybe}</source>
        <translation>ошибка сервера Twilio ({said}).{maybe}</translation>
    </message>
    <message>
        <source> The message may or may not have been created; a retry can deliver it twice.</source>
        <translation> Сообщение могло быть создано; повтор может доставить его дважды.</translation>
    </message>
    <message>
        <source>Twilio refused the message ({said})</source>
        <translation>Twilio отклонил сообщение ({said})</translation>
    </message>
    <message>
        <source>delivery failed</source>
        <translation>доставка не удалась</translation>
    </message>
    <message>
        <source>{message} (Twilio {code}, message {sid} {status})</source>
        <translation>{message} (Twilio {code}, сообщение {sid} {status})</translation>
    </message>
    <message>
        <source>{message} (message {sid} {status})</source>
        <translation>{message} (сообщение {sid} {status})</translation>
    </message>
    <message>
        <source>Twilio accepted the message (HTTP {status}) but its answer had no sid</source>
        <translation>Twilio принял сообщение (HTTP {status}), но в ответе нет sid</translation>
    </message>
    <message>
        <source>Twilio accepted the message {sid} (status {status})</source>
        <translation>Twilio принял сообщение {sid} (статус {status})</translation>
    </message>
    <message>
        <source>Twilio reports message {sid} {status}</source>
        <translation>Twilio сообщает: сообщение {sid} — {status}</translation>
    </message>
    <message>
        <source>Twilio needs the auth token (secret twilio_auth_token)</source>
        <translation>Twilio нужен токен доступа (twilio_auth_token)</translation>
    </message>
    <message>
        <source>the message {sid} was canceled at Twilio</source>
        <translation>сообщение {sid} отменено в Twilio</translation>
    </message>
    <message>
        <source>Twilio&apos;s queue overflowed</source>
        <translation>очередь Twilio переполнена</translation>
    </message>
    <message>
        <source>the Twilio account is suspended</source>
        <translation>учётная запись Twilio заблокирована</translation>
    </message>
    <message>
        <source>the handset is unreachable (off, no signal)</source>
        <translation>телефон недоступен (выключен, нет сети)</translation>
    </message>
    <message>
        <source>the message is blocked for this destination</source>
        <translation>сообщение заблокировано для этого направления</translation>
    </message>
    <message>
        <source>the number does not exist</source>
        <translation>номер не существует</translation>
    </message>
    <message>
        <source>the number is a landline or the carrier is unreachable</source>
        <translation>номер стационарный или оператор недоступен</translation>
    </message>
    <message>
        <source>the carrier filtered the message</source>
        <translation>оператор отфильтровал сообщение</translation>
    </message>
    <message>
        <source>unknown delivery error</source>
        <translation>неизвестная ошибка доставки</translation>
    </message>
    <message>
        <source>the phone reports message {id} delivered</source>
        <translation>телефон сообщает: сообщение {id} доставлено</translation>
    </message>
    <message>
        <source>the phone could not deliver message {id}: {error}</source>
        <translation>телефон не смог доставить сообщение {id}: {error}</translation>
    </message>
    <message>
        <source>message {id} was cancelled on the phone</source>
        <translation>сообщение {id} отменено на телефоне</translation>
    </message>
    <message>
        <source>{message} (SMS.ru {said})</source>
        <translation>{message} (SMS.ru {said})</translation>
    </message>
    <message>
        <source>the SMS.ru account has not enough money; top it up</source>
        <translation>на счёте SMS.ru недостаточно денег; пополните его</translation>
    </message>
    <message>
        <source>SMS.ru says the recipient&apos;s number is wrong or there is no route to it</source>
        <translation>SMS.ru сообщает, что номер получателя неверен или до него нет маршрута</translation>
    </message>
    <message>
        <source>the message has no text</source>
        <translation>в сообщении нет текста</translation>
    </message>
    <message>
        <source>the message is too long for SMS.ru (more than 8 SMS)</source>
        <translation>сообщение слишком длинное для SMS.ru (больше 8 SMS)</translation>
    </message>
    <message>
        <source>the SMS.ru account&apos;s daily sending limit is reached; SMS works again after the limit resets</source>
        <translation>достигнут дневной лимит отправки аккаунта SMS.ru; SMS снова заработают после сброса лимита</translation>
    </message>
    <message>
        <source>SMS.ru cannot send to this number (no route for delivery)</source>
        <translation>SMS.ru не может отправить на этот номер (нет маршрута доставки)</translation>
    </message>
    <message>
        <source>the number is in the SMS.ru account&apos;s stop list; remove it there to send</source>
        <translation>номер в стоп-листе аккаунта SMS.ru; уберите его оттуда, чтобы отправлять</translation>
    </message>
    <message>
        <source>SMS.ru is temporarily unavailable</source>
        <translation>SMS.ru временно недоступен</translation>
    </message>
    <message>
        <source>the daily limit of messages to this number is reached; it resets tomorrow</source>
        <translation>достигнут дневной лимит сообщений на этот номер; он сбросится завтра</translation>
    </message>
    <message>
        <source>the same text was sent to this number too often within a minute</source>
        <translation>тот же текст слишком часто отправлялся на этот номер в течение минуты</translation>
    </message>
    <message>
        <source>the daily limit of identical messages to this number is reached; it resets tomorrow</source>
        <translation>достигнут дневной лимит одинаковых сообщений на этот номер; он сбросится завтра</translation>
    </message>
    <message>
        <source>SMS.ru rejected the token (expired, or the IP address changed)</source>
        <translation>SMS.ru отклонил токен (истёк срок или сменился IP-адрес)</translation>
    </message>
    <message>
        <source>the SMS.ru account is not confirmed yet; finish the registration</source>
        <translation>аккаунт SMS.ru ещё не подтверждён; завершите регистрацию</translation>
    </message>
    <message>
        <source>SMS.ru had a server error</source>
        <translation>на сервере SMS.ru произошла ошибка</translation>
    </message>
    <message>
        <source>this computer has no credential store (no Secret Service such as GNOME Keyring or KWallet is running)</source>
        <translation>на этом компьютере нет хранилища учётных данных (не запущена служба Secret Service, например GNOME Keyring или KWallet)</translation>
    </message>
    <message>
        <source>{store}: give the secrets in the environment or a .env file instead</source>
        <translation>{store}: задайте секреты в переменных окружения или в файле .env</translation>
    </message>
    <message>
        <source>{value} is not a phone number{hint}</source>
        <translation>{value} — не номер телефона{hint}</translation>
    </message>
    <message>
        <source>{shown} already belongs to recipient {other}</source>
        <translation>{shown} уже принадлежит получателю {other}</translation>
    </message>
    <message>
        <source>{address} (stored as {stored})</source>
        <translation>{address} (записан как {stored})</translation>
    </message>
    <message>
        <source>the header names {columns} more than once</source>
        <translation>в заголовке {columns} встречается больше одного раза</translation>
    </message>
    <message>
        <source>{env}={provider} is not a known provider ({providers})</source>
        <translation>{provider} — неизвестный SMS-провайдер ({providers}): проверьте {env}</translation>
    </message>
    <message>
        <source>{env} must be a number {above} and at most {max}, got {value}</source>
        <translation>нужно число {above} и не больше {max}, а задано {value}: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} must be numbers of seconds from 0 to {max}</source>
        <translation>нужны числа секунд от 0 до {max}: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} must list some of {names}; got {got}</source>
        <translation>нужно перечислить каналы из {names}, а задано {got}: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} names a channel twice</source>
        <translation>канал указан дважды: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} must be at least 1 (or empty to keep everything), got {value}</source>
        <translation>нужно не меньше 1 (или пусто, чтобы хранить всё), а задано {value}: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} must be a port number, got {value}</source>
        <translation>нужен номер порта, а задано {value}: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} needs at least one number of seconds</source>
        <translation>нужно хотя бы одно число секунд: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} must be between {low} and {high}, got {value}</source>
        <translation>нужно от {low} до {high}, а задано {value}: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} must be at least {low}</source>
        <translation>нужно не меньше {low}: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} must be between 0 and 1</source>
        <translation>нужно число от 0 до 1: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} must be {choices}, got {value}</source>
        <translation>нужно {choices}, а задано {value}: проверьте {env}</translation>
    </message>
    <message>
        <source>{env} must not be empty</source>
        <translation>не может быть пустым: проверьте {env}</translation>
    </message>
    <message>
        <source>a host name only, without spaces, scheme or port (e.g. smtp.example.org)</source>
        <translation>только имя хоста, без пробелов, схемы и порта (например, smtp.example.org)</translation>
    </message>
    <message>
        <source>must be an http:// or https:// address</source>
        <translation>нужен адрес http:// или https://</translation>
    </message>
    <message>
        <source>choose at least one channel</source>
        <translation>выберите хотя бы один канал</translation>
    </message>
    <message>
        <source>give at least one number of seconds, e.g. 2, 10</source>
        <translation>укажите хотя бы одно число секунд, например 2, 10</translation>
    </message>
    <message>
        <source>no sender address: set DEFAULT_FROM_EMAIL (or SMTP_DEFAULT_USER as an address)</source>
        <translation>нет адреса отправителя: укажите DEFAULT_FROM_EMAIL (или адрес в SMTP_DEFAULT_USER)</translation>
    </message>
    <message>
        <source>Twilio needs an Account SID (TWILIO_ACCOUNT_SID)</source>
        <translation>для Twilio нужен Account SID (TWILIO_ACCOUNT_SID)</translation>
    </message>
    <message>
        <source>Twilio needs a sender: TWILIO_FROM (a number you own, E.164) or TWILIO_MESSAGING_SERVICE_SID</source>
        <translation>для Twilio нужен отправитель: TWILIO_FROM (ваш номер в формате E.164) или TWILIO_MESSAGING_SERVICE_SID</translation>
    </message>
    <message>
        <source>no sender name set (SMSRU_FROM); new SMS.ru accounts must register one before sending</source>
        <translation>не задано имя отправителя (SMSRU_FROM); новые аккаунты SMS.ru должны зарегистрировать его до отправки</translation>
    </message>
    <message>
        <source>SMS.ru does not know this method: check SMSRU_API_BASE</source>
        <translation>SMS.ru не знает этот метод: проверьте SMSRU_API_BASE</translation>
    </message>
    <message>
        <source>Twilio does not know this account or address: check TWILIO_ACCOUNT_SID and TWILIO_API_BASE</source>
        <translation>Twilio не знает этот аккаунт или адрес: проверьте TWILIO_ACCOUNT_SID и TWILIO_API_BASE</translation>
    </message>
    <message>
        <source>TWILIO_FROM is not an SMS-capable number of this Twilio account for this destination</source>
        <translation>номер не может отправлять SMS этого аккаунта Twilio в это направление: проверьте TWILIO_FROM</translation>
    </message>
    <message>
        <source>{message} (Twilio {said})</source>
        <translation>{message} (Twilio {said})</translation>
    </message>
    <message>
        <source>the Bot API URL is invalid: check TELEGRAM_API_BASE (e.g. https://api.telegram.org) and the bot token</source>
        <translation>неверный адрес Bot API: проверьте TELEGRAM_API_BASE (например, https://api.telegram.org) и токен бота</translation>
    </message>
    <message>
        <source>the TLS certificate of {host} is not trusted (check TELEGRAM_API_BASE or a proxy intercepting HTTPS)</source>
        <translation>TLS-сертификат {host} не вызывает доверия (проверьте TELEGRAM_API_BASE или прокси, перехватывающий HTTPS)</translation>
    </message>
    <message>
        <source>cannot connect to {host}: {reason}</source>
        <translation>не удаётся подключиться к {host}: {reason}</translation>
    </message>
    <message>
        <source>connection refused (is the server running, is TELEGRAM_API_BASE right?)</source>
        <translation>в подключении отказано (запущен ли сервер, верен ли TELEGRAM_API_BASE?)</translation>
    </message>
    <message>
        <source>the host name cannot be resolved (no network, or a typo in TELEGRAM_API_BASE)</source>
        <translation>имя хоста не найдено (нет сети или опечатка в TELEGRAM_API_BASE)</translation>
    </message>
    <message>
        <source>{host} answered {method} with HTTP {status} and a body that is not Bot API JSON (a proxy or the wrong TELEGRAM_API_BASE?)</source>
        <translation>{host} ответил на {method} кодом HTTP {status}, но не в формате Bot API (прокси или неверный TELEGRAM_API_BASE?)</translation>
    </message>
    <message>
        <source>the Bot API answered 404 Not Found: the bot token is malformed or TELEGRAM_API_BASE is wrong{where}</source>
        <translation>Bot API ответил 404 Not Found: токен бота искажён или неверен TELEGRAM_API_BASE{where}</translation>
    </message>
    <message>
        <source>{host} answered getMe without a bot user name; is TELEGRAM_API_BASE a Bot API server?</source>
        <translation>{host} ответил на getMe без имени бота; точно ли TELEGRAM_API_BASE — сервер Bot API?</translation>
    </message>
    <message>
        <source>email is not configured (enter the SMTP server in Settings → Email)</source>
        <translation>эл. почта не настроена (укажите SMTP-сервер в разделе Настройки → Email)</translation>
    </message>
    <message>
        <source>SMS is not configured (choose an SMS provider in Settings → SMS)</source>
        <translation>SMS не настроены (выберите SMS-провайдера в разделе Настройки → SMS)</translation>
    </message>
    <message>
        <source>Email is not configured: enter the SMTP server in Settings → Email</source>
        <translation>Эл. почта не настроена: укажите SMTP-сервер в разделе Настройки → Email</translation>
    </message>
    <message>
        <source>a login is set but there is no password: enter it in Settings → Email</source>
        <translation>логин задан, но пароля нет: введите его в разделе Настройки → Email</translation>
    </message>
    <message>
        <source>Telegram is not configured: save the bot token in Settings → Telegram</source>
        <translation>Telegram не настроен: сохраните токен бота в разделе Настройки → Telegram</translation>
    </message>
    <message>
        <source>the server offers no STARTTLS on this port; credentials will not be sent in clear (check Port and Security in Settings → Email)</source>
        <translation>сервер не предлагает STARTTLS на этом порту; учётные данные не будут отправлены открытым текстом (проверьте «Порт» и «Защита» в разделе Настройки → Email)</translation>
    </message>
    <message>
        <source>port {port} expects implicit TLS (choose it under Security in Settings → Email)</source>
        <translation>порт {port} ожидает неявный TLS (выберите его в поле «Защита» в разделе Настройки → Email)</translation>
    </message>
    <message>
        <source>port {port} expects STARTTLS, not implicit TLS (choose STARTTLS under Security in Settings → Email)</source>
        <translation>порт {port} ожидает STARTTLS, а не неявный TLS (выберите STARTTLS в поле «Защита» в разделе Настройки → Email)</translation>
    </message>
    <message>
        <source>SMS.ru does not accept the API key: check it in Settings → SMS</source>
        <translation>SMS.ru не принимает ключ API: проверьте его в разделе Настройки → SMS</translation>
    </message>
    <message>
        <source>SMS.ru does not accept the API key (wrong key, or the user does not exist)</source>
        <translation>SMS.ru не принимает ключ API (неверный ключ или пользователя нет)</translation>
    </message>
    <message>
        <source>the sender name is not approved by SMS.ru; clear it in Settings → SMS or get it approved</source>
        <translation>имя отправителя не согласовано в SMS.ru; очистите его в разделе Настройки → SMS или согласуйте</translation>
    </message>
    <message>
        <source>SMS.ru requires an approved alphabetic sender name before anything can be sent: create one in the SMS.ru senders panel and enter it as the sender name in Settings → SMS</source>
        <translation>SMS.ru требует согласованное буквенное имя отправителя: создайте его в разделе отправителей SMS.ru и укажите как имя отправителя в разделе Настройки → SMS</translation>
    </message>
    <message>
        <source> (write it with the country code, e.g. +79161234567, or choose a phone region in Settings → General)</source>
        <translation> (укажите его с кодом страны, например +79161234567, или выберите регион телефона в разделе Настройки → Общие)</translation>
    </message>
    <message>
        <source>{store}: choose a passphrase in Settings to keep the secrets in an encrypted file, or give them in the environment or a .env file</source>
        <translation>{store}: задайте парольную фразу в Настройках, чтобы хранить секреты в зашифрованном файле, или задайте их в переменных окружения или в файле .env</translation>
    </message>
    <message>
        <source>the secrets are in an encrypted file ({path}) and it is locked: enter its passphrase in Settings</source>
        <translation>секреты хранятся в зашифрованном файле ({path}), и он заблокирован: введите его парольную фразу в Настройках</translation>
    </message>
    <message>
        <source>no SMS gateway API at this address: check the gateway address in Settings → SMS ({said})</source>
        <translation>по этому адресу нет API SMS-шлюза: проверьте адрес шлюза в разделе Настройки → SMS ({said})</translation>
    </message>
    <message>
        <source>the Android SMS gateway needs its address: enter it in Settings → SMS (e.g. http://192.168.1.20:8080)</source>
        <translation>для Android SMS-шлюза нужен его адрес: укажите его в разделе Настройки → SMS (например, http://192.168.1.20:8080)</translation>
    </message>
    <message>
        <source>the Android SMS gateway needs its username (shown in the app): enter it in Settings → SMS</source>
        <translation>для Android SMS-шлюза нужно имя пользователя (показано в приложении): укажите его в разделе Настройки → SMS</translation>
    </message>
    <message>
        <source>{raw} is not a valid {what}: check {env}</source>
        <translation>значение {raw} не подходит (нужно: {what}): проверьте {env}</translation>
    </message>
    <message>
        <source>{provider} is not a known SMS provider ({providers}): check {env}</source>
        <translation>{provider} — неизвестный SMS-провайдер ({providers}): проверьте {env}</translation>
    </message>
    <message>
        <source>{env} is a secret and must not be in {path}; remove it from the file and enter it in Settings</source>
        <translation>{env} — секрет, ему не место в {path}: удалите его из файла и введите в настройках</translation>
    </message>
    <message>
        <source>TLS mode does not match the port (465 is implicit TLS, 587 is STARTTLS): check Port and Security in Settings → Email</source>
        <translation>режим TLS не подходит к порту (465 — неявный TLS, 587 — STARTTLS): проверьте «Порт» и «Защита» в разделе Настройки → Email</translation>
    </message>
    <message>
        <source>{what} is missing: enter it in {secret}</source>
        <translation>не задан {what}: введите его — {secret}</translation>
    </message>
    <message>
        <source>Twilio rejected the credentials: check TWILIO_ACCOUNT_SID and twilio_auth_token (or the API key), and that the account is not suspended</source>
        <translation>Twilio отклонил учётные данные: проверьте TWILIO_ACCOUNT_SID и twilio_auth_token (или ключ API), а также не заблокирован ли аккаунт</translation>
    </message>
    <message>
        <source>the sender number is not valid: check TWILIO_FROM</source>
        <translation>номер отправителя неверен: проверьте TWILIO_FROM</translation>
    </message>
    <message>
        <source>the gateway refused the username/password: compare ANDROID_SMS_USER and {secret} with the app ({said})</source>
        <translation>шлюз отклонил имя пользователя или пароль: сверьте ANDROID_SMS_USER и {secret} с приложением ({said})</translation>
    </message>
    <message>
        <source>the message is empty; Telegram cannot deliver an empty text</source>
        <translation>сообщение пустое; Telegram не доставляет пустой текст</translation>
    </message>
    <message>
        <source>the message has neither subject nor text; an empty SMS is not sent</source>
        <translation>у сообщения нет ни темы, ни текста; пустое SMS не отправляется</translation>
    </message>
    <message>
        <source>{value} is not a valid email address ({reason})</source>
        <translation>{value} — неверный адрес эл. почты ({reason})</translation>
    </message>
    <message>
        <source>{value} is not a valid phone number</source>
        <translation>{value} — недействительный номер телефона</translation>
    </message>
    <message>
        <source>{value} is not a Telegram chat id (a whole number)</source>
        <translation>{value} — не идентификатор чата Telegram (нужно целое число)</translation>
    </message>
    <message>
        <source>{value} is outside the range of Telegram chat ids</source>
        <translation>{value} — вне диапазона идентификаторов чатов Telegram</translation>
    </message>
    <message>
        <source>{value} already exists</source>
        <translation>{value} уже есть</translation>
    </message>
    <message>
        <source>must not be empty</source>
        <translation>не может быть пустым</translation>
    </message>
    <message>
        <source>must not contain line breaks</source>
        <translation>не может содержать переносы строк</translation>
    </message>
    <message>
        <source>must not contain control characters</source>
        <translation>не может содержать управляющие символы</translation>
    </message>
    <message>
        <source>must not contain control characters (only tab and line breaks)</source>
        <translation>не может содержать управляющие символы (допустимы только табуляция и переносы строк)</translation>
    </message>
    <message>
        <source>must not contain an encoded word (=?charset?Q?…?=) that hides line breaks or control characters</source>
        <translation>не может содержать закодированное слово (=?charset?Q?…?=), скрывающее переносы строк или управляющие символы</translation>
    </message>
    <message>
        <source>must not contain bidirectional override characters</source>
        <translation>не может содержать символы смены направления текста</translation>
    </message>
    <message>
        <source>is longer than {count} characters</source>
        <translation>длиннее {count} символов</translation>
    </message>
    <message>
        <source>no recipient with id {ids}</source>
        <translation>нет получателя с id {ids}</translation>
    </message>
    <message>
        <source>has {count} notification(s) still queued; cancel them first</source>
        <translation>в очереди ещё уведомлений: {count}; сначала отмените их</translation>
    </message>
    <message>
        <source>the same message to the same person was queued moments ago</source>
        <translation>то же сообщение тому же человеку только что поставлено в очередь</translation>
    </message>
    <message>
        <source>expected {expected} fields, found {found}</source>
        <translation>ожидалось полей: {expected}, найдено: {found}</translation>
    </message>
    <message>
        <source>broken CSV: {reason}</source>
        <translation>повреждённый CSV: {reason}</translation>
    </message>
    <message>
        <source>the file is not UTF-8 (byte {offset})</source>
        <translation>файл не в UTF-8 (байт {offset})</translation>
    </message>
    <message>
        <source>the file is empty; expected a header name,email,phone,telegram_chat_id</source>
        <translation>файл пуст; ожидался заголовок name,email,phone,telegram_chat_id</translation>
    </message>
    <message>
        <source>header must be {columns} (got {got})</source>
        <translation>заголовок должен быть {columns} (получено {got})</translation>
    </message>
    <message>
        <source>{field}: {message}</source>
        <translation>{field}: {message}</translation>
    </message>
    <message>
        <source>An email address must have an @-sign.</source>
        <translation>В адресе эл. почты должен быть знак @.</translation>
    </message>
    <message>
        <source>There must be something before the @-sign.</source>
        <translation>Перед знаком @ должно что-то быть.</translation>
    </message>
    <message>
        <source>There must be something after the @-sign.</source>
        <translation>После знака @ должно что-то быть.</translation>
    </message>
    <message>
        <source>The part after the @-sign is not valid. It should have a period.</source>
        <translation>Часть после знака @ неверна: в ней должна быть точка.</translation>
    </message>
    <message>
        <source>The email address contains invalid characters before the @-sign: {chars}.</source>
        <translation>В адресе перед знаком @ недопустимые символы: {chars}.</translation>
    </message>
    <message>
        <source>The part after the @-sign contains invalid characters: {chars}.</source>
        <translation>В части после знака @ недопустимые символы: {chars}.</translation>
    </message>
    <message>
        <source>An email address cannot have two periods in a row.</source>
        <translation>В адресе не может быть двух точек подряд.</translation>
    </message>
    <message>
        <source>An email address cannot start with a period.</source>
        <translation>Адрес не может начинаться с точки.</translation>
    </message>
    <message>
        <source>An email address cannot have a period immediately before the @-sign.</source>
        <translation>Точка не может стоять прямо перед знаком @.</translation>
    </message>
    <message>
        <source>An email address cannot have a hyphen immediately after the @-sign.</source>
        <translation>Дефис не может стоять сразу после знака @.</translation>
    </message>
    <message>
        <source>{message} (EMAIL_CONFIRM_TIMEOUT is 0: bounces are not waited for)</source>
        <translation>{message} (EMAIL_CONFIRM_TIMEOUT равен 0: возвраты не ждём)</translation>
    </message>
    <message>
        <source>{message}; bounce mailbox {user} at {address}, folder {folder} ({count} messages)</source>
        <translation>{message}; ящик возвратов {user} на {address}, папка {folder} (писем: {count})</translation>
    </message>
    <message>
        <source>{message}; the bounce mailbox: {reason}</source>
        <translation>{message}; ящик возвратов: {reason}</translation>
    </message>
    <message>
        <source>no bounce read within {seconds} s: {reason}</source>
        <translation>за {seconds} с возвраты не удалось прочитать: {reason}</translation>
    </message>
    <message>
        <source>no bounce within {seconds} s</source>
        <translation>возврата не было за {seconds} с</translation>
    </message>
    <message>
        <source>bounced (hard): {addresses}</source>
        <translation>письмо вернулось (постоянная ошибка): {addresses}</translation>
    </message>
    <message>
        <source>bounced (soft): {addresses}</source>
        <translation>письмо вернулось (временная ошибка): {addresses}</translation>
    </message>
    <message>
        <source>bounced: {report}</source>
        <translation>письмо вернулось: {report}</translation>
    </message>
    <message>
        <source>the IMAP server refused the login for {user}: {said}</source>
        <translation>сервер IMAP отклонил вход для {user}: {said}</translation>
    </message>
    <message>
        <source>the IMAP server&apos;s certificate is not trusted: {error}</source>
        <translation>сертификату сервера IMAP нет доверия: {error}</translation>
    </message>
    <message>
        <source>cannot connect to {address} over TLS: {error}</source>
        <translation>не удаётся подключиться к {address} по TLS: {error}</translation>
    </message>
    <message>
        <source>{message} (the wait for a bounce is 0 in Settings → Email: bounces are not waited for)</source>
        <translation>{message} (в разделе Настройки → Email «Ждать возврата» равно 0: возвраты не ждём)</translation>
    </message>
    <message>
        <source>the bounce mailbox needs its login and password: enter them in Settings → Email → Bounces (IMAP)</source>
        <translation>для ящика возвратов нужны логин и пароль: введите их в разделе Настройки → Email → Возвраты писем (IMAP)</translation>
    </message>
    <message>
        <source>the IMAP folder {folder} cannot be opened (check the folder in Settings → Email → Bounces (IMAP))</source>
        <translation>папку IMAP {folder} не удаётся открыть (проверьте «Папку» в разделе Настройки → Email → Возвраты писем (IMAP))</translation>
    </message>
</context>
<context>
    <name>Crash</name>
    <message>
        <source>Something went wrong, and it was written to the log:
%1

%2</source>
        <translation>Произошла ошибка; сведения о ней записаны в журнал:
%1

%2</translation>
    </message>
</context>
<context>
    <name>CsvTransfer</name>
    <message>
        <source>Importing {file}…</source>
        <translation>Импорт {file}…</translation>
    </message>
    <message>
        <source>Import CSV</source>
        <translation>Импорт CSV</translation>
    </message>
    <message>
        <source>Could not read {file}: {reason}</source>
        <translation>Не удалось прочитать {file}: {reason}</translation>
    </message>
    <message>
        <source>The import failed; nothing was saved. The log has the details.</source>
        <translation>Импорт не удался, ничего не сохранено. Подробности в журнале.</translation>
    </message>
    <message numerus="yes">
        <source>Recipients imported from {file}: %n.</source>
        <translation>
            <numerusform>Импортировано получателей из {file}: %n.</numerusform>
            <numerusform>Импортировано получателей из {file}: %n.</numerusform>
            <numerusform>Импортировано получателей из {file}: %n.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exporting to {file}…</source>
        <translation>Экспорт в {file}…</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>Экспорт CSV</translation>
    </message>
    <message>
        <source>Could not write {file}: {reason}</source>
        <translation>Не удалось записать {file}: {reason}</translation>
    </message>
    <message numerus="yes">
        <source>Recipients exported to {file}: %n.</source>
        <translation>
            <numerusform>Экспортировано получателей в {file}: %n.</numerusform>
            <numerusform>Экспортировано получателей в {file}: %n.</numerusform>
            <numerusform>Экспортировано получателей в {file}: %n.</numerusform>
        </translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>Файлы CSV (*.csv);;Все файлы (*)</translation>
    </message>
    <message>
        <source>Import recipients</source>
        <translation>Импорт получателей</translation>
    </message>
    <message>
        <source>Export recipients</source>
        <translation>Экспорт получателей</translation>
    </message>
</context>
<context>
    <name>Deleter</name>
    <message>
        <source>Delete “{name}”?</source>
        <translation>Удалить «{name}»?</translation>
    </message>
    <message numerus="yes">
        <source>Delete the %n selected recipients?</source>
        <translation>
            <numerusform>Удалить %n выделенного получателя?</numerusform>
            <numerusform>Удалить %n выделенных получателя?</numerusform>
            <numerusform>Удалить %n выделенных получателей?</numerusform>
        </translation>
    </message>
    <message>
        <source>Their past deliveries stay in the delivery log.</source>
        <translation>История их доставок останется в журнале доставки.</translation>
    </message>
    <message>
        <source>Delete recipients</source>
        <translation>Удаление получателей</translation>
    </message>
    <message>
        <source>Deleting…</source>
        <translation>Удаление…</translation>
    </message>
    <message>
        <source>The recipients could not be deleted; the log has the details.</source>
        <translation>Не удалось удалить получателей; подробности в журнале.</translation>
    </message>
    <message numerus="yes">
        <source>Recipients deleted: %n.</source>
        <translation>
            <numerusform>Удалено получателей: %n.</numerusform>
            <numerusform>Удалено получателей: %n.</numerusform>
            <numerusform>Удалено получателей: %n.</numerusform>
        </translation>
    </message>
    <message>
        <source>Not deleted</source>
        <translation>Не удалено</translation>
    </message>
</context>
<context>
    <name>DeliveryPage</name>
    <message>
        <source>Channel order</source>
        <translation>Порядок каналов</translation>
    </message>
    <message>
        <source>Tick the channels to use; the first is tried first. Drag or use the buttons to reorder.</source>
        <translation>Отметьте нужные каналы; первым пробуется верхний. Порядок меняется перетаскиванием или кнопками.</translation>
    </message>
    <message>
        <source>Tries per channel</source>
        <translation>Попыток на канал</translation>
    </message>
    <message>
        <source>Waits between tries (s)</source>
        <translation>Паузы между попытками (с)</translation>
    </message>
    <message>
        <source>Give up after</source>
        <translation>Прекратить попытки через</translation>
    </message>
    <message>
        <source> h</source>
        <translation> ч</translation>
    </message>
    <message>
        <source>Concurrent sends</source>
        <translation>Одновременных отправок</translation>
    </message>
    <message>
        <source>numbers of seconds separated by commas, e.g. 2, 10</source>
        <translation>число секунд через запятую, например 2, 10</translation>
    </message>
</context>
<context>
    <name>DetailsPane</name>
    <message>
        <source>Retry notification</source>
        <translation>Повторить уведомление</translation>
    </message>
    <message>
        <source>Cancel notification</source>
        <translation>Отменить уведомление</translation>
    </message>
    <message>
        <source>Copy details</source>
        <translation>Копировать подробности</translation>
    </message>
    <message>
        <source>Select an attempt to see the whole timeline of its notification.</source>
        <translation>Выберите попытку, чтобы увидеть всю историю её уведомления.</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Queued again.</source>
        <translation>Снова поставлено в очередь.</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Отменено.</translation>
    </message>
    <message>
        <source>Not possible in its current state.</source>
        <translation>Невозможно в текущем состоянии.</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>Скопировано в буфер обмена.</translation>
    </message>
</context>
<context>
    <name>EmailPage</name>
    <message>
        <source>SMTP server</source>
        <translation>Сервер SMTP</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>STARTTLS (usually port 587)</source>
        <translation>STARTTLS (обычно порт 587)</translation>
    </message>
    <message>
        <source>Implicit TLS (usually port 465)</source>
        <translation>SSL/TLS (обычно порт 465)</translation>
    </message>
    <message>
        <source>None — unencrypted</source>
        <translation>Нет — без шифрования</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Защита</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>From address</source>
        <translation>Адрес отправителя</translation>
    </message>
    <message>
        <source>From name</source>
        <translation>Имя отправителя</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>Тайм-аут</translation>
    </message>
    <message>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <source>Hold queued email until fixed</source>
        <translation>Держать письма в очереди до исправления</translation>
    </message>
    <message>
        <source>Go on to the next channel</source>
        <translation>Переходить к следующему каналу</translation>
    </message>
    <message>
        <source>Login rejected</source>
        <translation>Если вход отклонён</translation>
    </message>
    <message>
        <source>Bounces (IMAP)</source>
        <translation>Возвраты писем (IMAP)</translation>
    </message>
    <message>
        <source>The mailbox bounces come back to. With a server and a waiting time set, an email that bounces (unknown address, full mailbox) moves the chain on</source>
        <translation>Почтовый ящик, куда приходят возвраты (bounce). Если указаны сервер и время ожидания, письмо, которое вернулось (нет такого адреса, ящик переполнен), передаёт сообщение следующему каналу</translation>
    </message>
    <message>
        <source>IMAP server</source>
        <translation>Сервер IMAP</translation>
    </message>
    <message>
        <source>Port (TLS)</source>
        <translation>Порт (TLS)</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Папка</translation>
    </message>
    <message>
        <source>Wait for a bounce</source>
        <translation>Ждать возврата</translation>
    </message>
    <message>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <source>don&apos;t wait (accepted counts as delivered)</source>
        <translation>не ждать (принято считается доставленным)</translation>
    </message>
    <message>
        <source>After the mail server accepted an email, how long to watch the mailbox for a bounce; none in that time means delivered</source>
        <translation>Сколько следить за ящиком возвратов после того, как почтовый сервер принял письмо; если возврата за это время нет, письмо считается доставленным</translation>
    </message>
</context>
<context>
    <name>GeneralPage</name>
    <message>
        <source>Open folder</source>
        <translation>Открыть папку</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Папка данных</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Как в системе</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Язык</translation>
    </message>
    <message>
        <source>The language changes at the next start.</source>
        <translation>Язык сменится при следующем запуске.</translation>
    </message>
    <message>
        <source>Save and restart now</source>
        <translation>Сохранить и перезапустить</translation>
    </message>
    <message>
        <source>None — numbers need their +country code</source>
        <translation>Нет — номера только с +кодом страны</translation>
    </message>
    <message>
        <source>Phone region</source>
        <translation>Регион телефонов</translation>
    </message>
    <message>
        <source>Numbers typed without +country code (8 916 …) are read for this region, in the window, the CLI and imports.</source>
        <translation>Номера без +кода страны (8 916 …) читаются для этого региона — в окне, в командной строке и при импорте.</translation>
    </message>
    <message>
        <source>Auto — when no channel is configured</source>
        <translation>Авто — если ни один канал не настроен</translation>
    </message>
    <message>
        <source>On — write to the outbox, send nothing</source>
        <translation>Вкл. — писать в папку исходящих, ничего не отправлять</translation>
    </message>
    <message>
        <source>Off — really send</source>
        <translation>Выкл. — отправлять по-настоящему</translation>
    </message>
    <message>
        <source>Sandbox mode</source>
        <translation>Режим песочницы</translation>
    </message>
    <message>
        <source>Keep running in the tray when the window is closed</source>
        <translation>Оставаться в трее после закрытия окна</translation>
    </message>
    <message>
        <source>Secrets are kept in: {backend}</source>
        <translation>Секреты хранятся в: {backend}</translation>
    </message>
    <message>
        <source>Credential store</source>
        <translation>Хранилище секретов</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <source>Keep everything</source>
        <translation>Хранить всё</translation>
    </message>
    <message>
        <source> days</source>
        <translation> дн.</translation>
    </message>
    <message>
        <source>Keep finished history for</source>
        <translation>Хранить завершённую историю</translation>
    </message>
    <message>
        <source>Older delivered, failed and cancelled notifications are removed at start and daily. Queued and sending ones are never removed.</source>
        <translation>Более старые доставленные, неудавшиеся и отменённые уведомления удаляются при запуске и ежедневно. Ожидающие и отправляемые не удаляются никогда.</translation>
    </message>
    <message>
        <source>Write an archive first (.jsonl.gz)</source>
        <translation>Сначала записать архив (.jsonl.gz)</translation>
    </message>
    <message>
        <source>Prune now…</source>
        <translation>Очистить сейчас…</translation>
    </message>
    <message>
        <source>Remove finished history older than</source>
        <translation>Удалить завершённую историю старше</translation>
    </message>
    <message>
        <source>Archive the removed history</source>
        <translation>Архив удаляемой истории</translation>
    </message>
    <message>
        <source>Archives (*.jsonl.gz)</source>
        <translation>Архивы (*.jsonl.gz)</translation>
    </message>
    <message>
        <source>%1 already exists; choose a new file.</source>
        <translation>%1 уже существует; выберите новый файл.</translation>
    </message>
    <message>
        <source>Pruning the history…</source>
        <translation>Очистка истории…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <source>Archiving</source>
        <translation>Архивирование</translation>
    </message>
    <message>
        <source>Verifying the archive</source>
        <translation>Проверка архива</translation>
    </message>
    <message>
        <source>Removing</source>
        <translation>Удаление</translation>
    </message>
    <message>
        <source>Giving space back</source>
        <translation>Освобождение места</translation>
    </message>
    <message>
        <source>%1: %2 of %3</source>
        <translation>%1: %2 из %3</translation>
    </message>
    <message>
        <source>Removed %1 notifications and %2 attempts.</source>
        <translation>Удалено уведомлений: %1, попыток: %2.</translation>
    </message>
    <message>
        <source>Stopped. What was removed so far stays removed (and archived).</source>
        <translation>Остановлено. Уже удалённое остаётся удалённым (и заархивированным).</translation>
    </message>
    <message>
        <source>The archive could not be verified; nothing was removed.</source>
        <translation>Архив не прошёл проверку; ничего не удалено.</translation>
    </message>
    <message>
        <source>Could not write the archive: %1</source>
        <translation>Не удалось записать архив: %1</translation>
    </message>
</context>
<context>
    <name>ImportReportDialog</name>
    <message>
        <source>Import from {file}</source>
        <translation>Импорт из {file}</translation>
    </message>
    <message numerus="yes">
        <source>Nothing was imported: %n line(s) need fixing. Fix them in the file and import it again.</source>
        <translation>
            <numerusform>Ничего не импортировано: %n строку нужно исправить. Исправьте её в файле и импортируйте его снова.</numerusform>
            <numerusform>Ничего не импортировано: %n строки нужно исправить. Исправьте их в файле и импортируйте его снова.</numerusform>
            <numerusform>Ничего не импортировано: %n строк нужно исправить. Исправьте их в файле и импортируйте его снова.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The first %n are listed.</source>
        <translation>
            <numerusform>Показана первая %n.</numerusform>
            <numerusform>Показаны первые %n.</numerusform>
            <numerusform>Показаны первые %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Recipients imported: %n. Every line was accepted.</source>
        <translation>
            <numerusform>Импортировано получателей: %n. Приняты все строки.</numerusform>
            <numerusform>Импортировано получателей: %n. Приняты все строки.</numerusform>
            <numerusform>Импортировано получателей: %n. Приняты все строки.</numerusform>
        </translation>
    </message>
    <message>
        <source>Copy line numbers and reasons to the clipboard</source>
        <translation>Скопировать номера строк и причины в буфер обмена</translation>
    </message>
    <message>
        <source>Recipients imported: %1.</source>
        <translation>Импортировано получателей: %1.</translation>
    </message>
    <message>
        <source>Already in the list, skipped: %1.</source>
        <translation>Уже есть в списке, пропущено: %1.</translation>
    </message>
    <message>
        <source>&amp;Copy lines with errors</source>
        <translation>&amp;Копировать строки с ошибками</translation>
    </message>
</context>
<context>
    <name>LogExport</name>
    <message>
        <source>Exporting the delivery log…</source>
        <translation>Экспорт журнала доставки…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>Экспорт CSV</translation>
    </message>
    <message>
        <source>Exported %1 of %2 rows…</source>
        <translation>Экспортировано строк: %1 из %2…</translation>
    </message>
    <message>
        <source>Export cancelled after %1 rows.</source>
        <translation>Экспорт отменён после %1 строк.</translation>
    </message>
    <message>
        <source>Exported %1 rows.</source>
        <translation>Экспортировано строк: %1.</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Не удалось записать %1: %2</translation>
    </message>
</context>
<context>
    <name>LogPanel</name>
    <message>
        <source>All outcomes</source>
        <translation>Все результаты</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Доставлено</translation>
    </message>
    <message>
        <source>Failed (any)</source>
        <translation>Все ошибки</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Отправляется</translation>
    </message>
    <message>
        <source>Transient</source>
        <translation>Временные ошибки</translation>
    </message>
    <message>
        <source>Permanent</source>
        <translation>Постоянные ошибки</translation>
    </message>
    <message>
        <source>Unavailable</source>
        <translation>Канал недоступен</translation>
    </message>
    <message>
        <source>Accepted, not confirmed yet</source>
        <translation>Принято, не подтверждено</translation>
    </message>
    <message>
        <source>All channels</source>
        <translation>Все каналы</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <source>Filter by recipient, #id or detail…</source>
        <translation>Фильтр по получателю, #id или подробностям…</translation>
    </message>
    <message>
        <source>Every word in the recipient&apos;s name or the detail, ignoring case; a word shorter than three characters in the name only. #42: notification 42.</source>
        <translation>Каждое слово — в имени получателя или в подробностях, без учёта регистра; слово короче трёх символов — только в имени. #42: уведомление 42.</translation>
    </message>
    <message>
        <source>From</source>
        <translation>С</translation>
    </message>
    <message>
        <source>To</source>
        <translation>По</translation>
    </message>
    <message>
        <source>Newest</source>
        <translation>Новейшие</translation>
    </message>
    <message>
        <source>Oldest</source>
        <translation>Старейшие</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Экспорт CSV…</translation>
    </message>
    <message>
        <source>Delivery log</source>
        <translation>Журнал доставки</translation>
    </message>
    <message>
        <source>to</source>
        <translation>по</translation>
    </message>
    <message>
        <source>any date</source>
        <translation>любая дата</translation>
    </message>
    <message>
        <source>Following new attempts</source>
        <translation>Показ новых попыток</translation>
    </message>
    <message>
        <source>Paused: scrolled away</source>
        <translation>Пауза: прокручено от новых</translation>
    </message>
    <message>
        <source>Export the delivery log</source>
        <translation>Экспорт журнала доставки</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Файлы CSV (*.csv)</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Notifier</source>
        <translation>Notifier</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Основная панель</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Получатели</translation>
    </message>
    <message>
        <source>sandbox</source>
        <translation>режим песочницы</translation>
    </message>
    <message>
        <source>Queued: %1</source>
        <translation>В очереди: %1</translation>
    </message>
    <message>
        <source>Sending: %1</source>
        <translation>Отправляется: %1</translation>
    </message>
    <message>
        <source>Failed today: %1</source>
        <translation>Не доставлено сегодня: %1</translation>
    </message>
    <message>
        <source>No delivery reports today</source>
        <translation>Сегодня отчётов о доставке не было</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <source>Confirmed as delivered today:</source>
        <translation>Подтверждена доставка сегодня:</translation>
    </message>
    <message>
        <source>%1: %2 of %3 (%4 %)</source>
        <translation>%1: %2 из %3 (%4 %)</translation>
    </message>
    <message>
        <source>Worker: running</source>
        <translation>Обработчик очереди: работает</translation>
    </message>
    <message>
        <source>Worker: paused</source>
        <translation>Обработчик очереди: приостановлен</translation>
    </message>
    <message>
        <source>Worker: stopped</source>
        <translation>Обработчик очереди: остановлен</translation>
    </message>
    <message>
        <source>&amp;Pause sending</source>
        <translation>&amp;Приостановить отправку</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>На&amp;стройки…</translation>
    </message>
    <message>
        <source>&amp;Recipients</source>
        <translation>&amp;Получатели</translation>
    </message>
    <message>
        <source>&amp;Compose</source>
        <translation>&amp;Новое сообщение</translation>
    </message>
    <message>
        <source>&amp;Resume sending</source>
        <translation>&amp;Возобновить отправку</translation>
    </message>
    <message>
        <source>Quit Notifier?</source>
        <translation>Выйти из Notifier?</translation>
    </message>
    <message>
        <source>Notifications still queued or being sent: %1. They stay in the queue and go out at the next start (or with `notifier worker`). Quit now?</source>
        <translation>Уведомлений ещё в очереди или в отправке: %1. Они останутся в очереди и уйдут при следующем запуске (или через `notifier worker`). Выйти сейчас?</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <source>Preview for:</source>
        <translation>Просмотр для:</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>От:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>Кому:</translation>
    </message>
    <message>
        <source>Subject:</source>
        <translation>Тема:</translation>
    </message>
    <message>
        <source>(no recipient chosen)</source>
        <translation>(получатель не выбран)</translation>
    </message>
    <message>
        <source>Not used for this send</source>
        <translation>Не используется в этой отправке</translation>
    </message>
    <message>
        <source>This channel is switched off for this send.</source>
        <translation>Этот канал отключён для этой отправки.</translation>
    </message>
    <message>
        <source>Choose a recipient to see the email as it will be sent.</source>
        <translation>Выберите получателя, чтобы увидеть письмо в том виде, в каком оно будет отправлено.</translation>
    </message>
    <message>
        <source>{name} has no email address; email is skipped for them.</source>
        <translation>{name}: нет адреса эл. почты — Email пропускается.</translation>
    </message>
    <message numerus="yes">
        <source>%n character(s)</source>
        <translation>
            <numerusform>%n символ</numerusform>
            <numerusform>%n символа</numerusform>
            <numerusform>%n символов</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n segment(s)</source>
        <translation>
            <numerusform>%n сегмент</numerusform>
            <numerusform>%n сегмента</numerusform>
            <numerusform>%n сегментов</numerusform>
        </translation>
    </message>
    <message>
        <source>UCS-2 because of {chars}</source>
        <translation>UCS-2 из-за символов {chars}</translation>
    </message>
    <message>
        <source>{name} has no phone number; SMS is skipped for them.</source>
        <translation>{name}: нет номера телефона — SMS пропускается.</translation>
    </message>
    <message numerus="yes">
        <source>%n part(s)</source>
        <translation>
            <numerusform>%n часть</numerusform>
            <numerusform>%n части</numerusform>
            <numerusform>%n частей</numerusform>
        </translation>
    </message>
    <message>
        <source>plain text</source>
        <translation>обычный текст</translation>
    </message>
    <message>
        <source>{name} has no linked Telegram chat; Telegram is skipped for them.</source>
        <translation>{name}: чат Telegram не привязан — Telegram пропускается.</translation>
    </message>
    <message>
        <source>── part {n} of {total} ──</source>
        <translation>── часть {n} из {total} ──</translation>
    </message>
</context>
<context>
    <name>RecipientDialog</name>
    <message>
        <source>Add recipient</source>
        <translation>Новый получатель</translation>
    </message>
    <message>
        <source>Edit recipient</source>
        <translation>Изменение получателя</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Имя:</translation>
    </message>
    <message>
        <source>&amp;Email:</source>
        <translation>&amp;Эл. почта:</translation>
    </message>
    <message>
        <source>&amp;Phone:</source>
        <translation>&amp;Телефон:</translation>
    </message>
    <message>
        <source>&amp;Telegram chat id:</source>
        <translation>ID &amp;чата Telegram:</translation>
    </message>
    <message>
        <source>Full name, as it appears in greetings</source>
        <translation>Полное имя, как в обращении</translation>
    </message>
    <message>
        <source>name@example.com</source>
        <translation>name@example.com</translation>
    </message>
    <message>
        <source>e.g. 8 916 123-45-67 or +7 916 123-45-67</source>
        <translation>например, 8 916 123-45-67 или +7 916 123-45-67</translation>
    </message>
    <message>
        <source>With the country code, e.g. +7 916 123-45-67</source>
        <translation>С кодом страны, например +7 916 123-45-67</translation>
    </message>
    <message>
        <source>Filled in by “Link Telegram…”</source>
        <translation>Заполняется через «Привязать Telegram…»</translation>
    </message>
    <message>
        <source>Anything the operators should know (not sent)</source>
        <translation>Всё, что нужно знать операторам (не отправляется)</translation>
    </message>
    <message>
        <source>N&amp;otes:</source>
        <translation>&amp;Заметки:</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Добавить</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>The recipient could not be saved; the log has the details.</source>
        <translation>Не удалось сохранить получателя; подробности в журнале.</translation>
    </message>
</context>
<context>
    <name>RecipientPicker</name>
    <message>
        <source>Add recipients</source>
        <translation>Добавление получателей</translation>
    </message>
    <message>
        <source>Search by name, email or phone</source>
        <translation>Поиск по имени, эл. почте или телефону</translation>
    </message>
    <message>
        <source>No recipients yet. Add them on the Recipients tab first.</source>
        <translation>Получателей пока нет. Сначала добавьте их на вкладке «Получатели».</translation>
    </message>
    <message>
        <source>No one matches “%1”.</source>
        <translation>Никто не подходит под «%1».</translation>
    </message>
    <message>
        <source>Everyone is already chosen.</source>
        <translation>Все получатели уже выбраны.</translation>
    </message>
    <message>
        <source>Everyone who matches is already chosen.</source>
        <translation>Все подходящие получатели уже выбраны.</translation>
    </message>
    <message>
        <source>Showing the first %1 of %2 people: type to narrow the search (to choose more at once, select them on the Recipients tab).</source>
        <translation>Показаны первые %1 из %2: уточните поиск (чтобы выбрать больше сразу, выделите их на вкладке «Получатели»).</translation>
    </message>
    <message>
        <source>Select all shown</source>
        <translation>Выделить все показанные</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Добавить</translation>
    </message>
</context>
<context>
    <name>RecipientsBox</name>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <source>Choose recipients from the list</source>
        <translation>Выбрать получателей из списка</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Убрать</translation>
    </message>
    <message>
        <source>Remove the selected recipients from this message (Delete)</source>
        <translation>Убрать выделенных получателей из этого сообщения (Delete)</translation>
    </message>
    <message>
        <source>Write to the people selected on the Recipients tab instead of the ones chosen here</source>
        <translation>Написать людям, выделенным на вкладке «Получатели», вместо выбранных здесь</translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation>Получатели</translation>
    </message>
    <message>
        <source>&amp;Use selection (%1)</source>
        <translation>&amp;Взять выделенных (%1)</translation>
    </message>
    <message numerus="yes">
        <source>(%n chosen)</source>
        <translation>
            <numerusform>(выбран %n)</numerusform>
            <numerusform>(выбрано %n)</numerusform>
            <numerusform>(выбрано %n)</numerusform>
        </translation>
    </message>
    <message>
        <source>(none chosen)</source>
        <translation>(не выбраны)</translation>
    </message>
    <message>
        <source>No channel that is set up can reach %1 of the %2 chosen recipients (%3): their messages would fail at once. Add their addresses, set the channel up in Settings, or check it above.</source>
        <translation>Ни один настроенный канал не доходит до %1 из %2 выбранных получателей (%3): их сообщения сразу завершатся ошибкой. Добавьте им адреса, настройте канал в настройках или отметьте его выше.</translation>
    </message>
</context>
<context>
    <name>RecipientsModel</name>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <source>No email address: Email is skipped.</source>
        <translation>Нет адреса эл. почты: Email пропускается.</translation>
    </message>
    <message>
        <source>No phone number: SMS is skipped.</source>
        <translation>Нет номера телефона: SMS пропускается.</translation>
    </message>
    <message>
        <source>Telegram is not linked: use “Link Telegram…”.</source>
        <translation>Telegram не привязан: используйте «Привязать Telegram…».</translation>
    </message>
    <message>
        <source>No channel</source>
        <translation>Нет каналов</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Имя</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Телефон</translation>
    </message>
    <message>
        <source>Telegram chat</source>
        <translation>Чат Telegram</translation>
    </message>
    <message>
        <source>Reachable via</source>
        <translation>Доступные каналы</translation>
    </message>
    <message>
        <source>%1 is not set up in Settings.</source>
        <translation>%1: канал не настроен в настройках.</translation>
    </message>
    <message>
        <source>Channels that are set up and have an address for this person</source>
        <translation>Настроенные каналы, для которых у этого человека есть адрес</translation>
    </message>
</context>
<context>
    <name>RecipientsView</name>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Добавить…</translation>
    </message>
    <message>
        <source>Add a recipient</source>
        <translation>Добавить получателя</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
    <message>
        <source>Edit the selected recipient</source>
        <translation>Изменить выделенного получателя</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <source>Delete the selected recipients</source>
        <translation>Удалить выделенных получателей</translation>
    </message>
    <message>
        <source>Link &amp;Telegram…</source>
        <translation>Привязать &amp;Telegram…</translation>
    </message>
    <message>
        <source>Link the selected recipient&apos;s Telegram chat through the bot</source>
        <translation>Привязать чат Telegram выделенного получателя через бота</translation>
    </message>
    <message>
        <source>&amp;Import CSV…</source>
        <translation>И&amp;мпорт CSV…</translation>
    </message>
    <message>
        <source>Add recipients from a CSV file (name,email,phone,telegram_chat_id)</source>
        <translation>Добавить получателей из файла CSV (name,email,phone,telegram_chat_id)</translation>
    </message>
    <message>
        <source>E&amp;xport CSV…</source>
        <translation>&amp;Экспорт CSV…</translation>
    </message>
    <message>
        <source>Save all recipients to a CSV file</source>
        <translation>Сохранить всех получателей в файл CSV</translation>
    </message>
    <message>
        <source>&amp;Compose to selected</source>
        <translation>&amp;Написать выделенным</translation>
    </message>
    <message>
        <source>Write a message to the selected recipients</source>
        <translation>Написать сообщение выделенным получателям</translation>
    </message>
    <message>
        <source>Search name, email or phone</source>
        <translation>Поиск: имя, эл. почта, телефон</translation>
    </message>
    <message>
        <source>No recipients yet.
Add one with “Add…”, or bring a list in with “Import CSV…” (columns name, email, phone, telegram_chat_id).</source>
        <translation>Получателей пока нет.
Добавьте их кнопкой «Добавить…» или загрузите список через «Импорт CSV…» (столбцы name, email, phone, telegram_chat_id).</translation>
    </message>
    <message>
        <source>Nobody matches “{text}”.</source>
        <translation>По запросу «{text}» никого не найдено.</translation>
    </message>
    <message numerus="yes">
        <source>Recipients: %n</source>
        <translation>
            <numerusform>Получателей: %n</numerusform>
            <numerusform>Получателей: %n</numerusform>
            <numerusform>Получателей: %n</numerusform>
        </translation>
    </message>
    <message>
        <source>Shown: {shown} of {total}</source>
        <translation>Показано: {shown} из {total}</translation>
    </message>
    <message numerus="yes">
        <source>Selected: %n</source>
        <translation>
            <numerusform>Выделено: %n</numerusform>
            <numerusform>Выделено: %n</numerusform>
            <numerusform>Выделено: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&amp;Compose to selected (%n)</source>
        <translation>
            <numerusform>&amp;Написать выделенным (%n)</numerusform>
            <numerusform>&amp;Написать выделенным (%n)</numerusform>
            <numerusform>&amp;Написать выделенным (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>Edit recipient</source>
        <translation>Изменение получателя</translation>
    </message>
    <message>
        <source>This recipient was deleted meanwhile.</source>
        <translation>Этот получатель за это время был удалён.</translation>
    </message>
    <message>
        <source>Saved “{name}”.</source>
        <translation>Сохранено: «{name}».</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Удалить</translation>
    </message>
    <message>
        <source>Set up Telegram (the bot token) in Settings first</source>
        <translation>Сначала настройте Telegram (токен бота) в настройках</translation>
    </message>
</context>
<context>
    <name>RejectedLinesModel</name>
    <message>
        <source>file</source>
        <translation>файл</translation>
    </message>
    <message>
        <source>Line</source>
        <translation>Строка</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Причина</translation>
    </message>
</context>
<context>
    <name>SandboxBanner</name>
    <message>
        <source>&lt;b&gt;Sandbox mode&lt;/b&gt;: no channel is set up, so messages are written to the outbox folder instead of being sent. Try everything, then set up Email, SMS or Telegram in Settings.</source>
        <translation>&lt;b&gt;Режим песочницы&lt;/b&gt;: ни один канал не настроен, поэтому сообщения не отправляются, а записываются в папку исходящих. Опробуйте всё, затем настройте Email, SMS или Telegram в Настройках.</translation>
    </message>
    <message>
        <source>Open outbox</source>
        <translation>Открыть папку исходящих</translation>
    </message>
    <message>
        <source>Open Settings…</source>
        <translation>Открыть настройки…</translation>
    </message>
    <message>
        <source>Could not create %1: %2</source>
        <translation>Не удалось создать %1: %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sandbox mode&lt;/b&gt;: messages are written to the outbox folder instead of being sent. No file manager opened it; it is here: %1</source>
        <translation>&lt;b&gt;Режим песочницы&lt;/b&gt;: сообщения записываются в папку исходящих, а не отправляются. Файловый менеджер её не открыл; она здесь: %1</translation>
    </message>
</context>
<context>
    <name>SecretField</name>
    <message>
        <source>checking the credential store…</source>
        <translation>проверка хранилища учётных данных…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Очистить</translation>
    </message>
    <message>
        <source>Delete the stored value when you save</source>
        <translation>Удалить сохранённое значение при сохранении настроек</translation>
    </message>
    <message>
        <source>will be deleted from the credential store when you save</source>
        <translation>удалится из хранилища при сохранении</translation>
    </message>
    <message>
        <source>stored in the credential store — type to replace</source>
        <translation>в хранилище — введите новое для замены</translation>
    </message>
    <message>
        <source>set in the environment ({name})</source>
        <translation>задано в переменной окружения ({name})</translation>
    </message>
    <message>
        <source>set in a .env file ({name})</source>
        <translation>задано в файле .env ({name})</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>не задано</translation>
    </message>
    <message>
        <source>{name} comes from {source} and wins over the credential store</source>
        <translation>{name} берётся из {source} и имеет приоритет над хранилищем учётных данных</translation>
    </message>
    <message>
        <source>the environment</source>
        <translation>переменных окружения</translation>
    </message>
    <message>
        <source>cannot be saved here yet: see the note at the top</source>
        <translation>пока нельзя сохранить: см. пояснение вверху</translation>
    </message>
</context>
<context>
    <name>SecretStorePanel</name>
    <message>
        <source>an encrypted file, {path}</source>
        <translation>зашифрованный файл, {path}</translation>
    </message>
    <message>
        <source>nowhere: this computer has no credential store</source>
        <translation>нигде: на этом компьютере нет хранилища учётных данных</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Парольная фраза</translation>
    </message>
    <message>
        <source>Repeat the passphrase</source>
        <translation>Повторите парольную фразу</translation>
    </message>
    <message>
        <source>This computer has no credential store (no Secret Service such as GNOME Keyring or KWallet is running), so passwords and tokens cannot be saved there.</source>
        <translation>На этом компьютере нет хранилища учётных данных (не запущена служба Secret Service, например GNOME Keyring или KWallet), поэтому пароли и токены туда не сохранить.</translation>
    </message>
    <message>
        <source>For runs without the window, the secrets and this passphrase can also be given in the environment or a .env file (see the README).</source>
        <translation>Для запусков без окна секреты и эту парольную фразу можно задать и в окружении или файле .env (см. README).</translation>
    </message>
    <message>
        <source>Give the secrets in the environment or a .env file (see the README), then restart the program.</source>
        <translation>Задайте секреты в переменных окружения или в файле .env (см. README) и перезапустите программу.</translation>
    </message>
    <message>
        <source>Choose a passphrase to keep them in an encrypted file in the data folder instead.</source>
        <translation>Выберите парольную фразу, чтобы хранить их в зашифрованном файле в папке данных.</translation>
    </message>
    <message>
        <source>Create encrypted file</source>
        <translation>Создать зашифрованный файл</translation>
    </message>
    <message>
        <source>The secrets are kept in an encrypted file, because this computer has no credential store. Enter its passphrase to unlock it.</source>
        <translation>Секреты хранятся в зашифрованном файле, потому что на этом компьютере нет хранилища учётных данных. Введите парольную фразу, чтобы открыть его.</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Открыть</translation>
    </message>
    <message>
        <source>Enter a passphrase.</source>
        <translation>Введите парольную фразу.</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>Парольные фразы не совпадают.</translation>
    </message>
    <message>
        <source>This passphrase does not open the secrets file.</source>
        <translation>Эта парольная фраза не открывает файл секретов.</translation>
    </message>
</context>
<context>
    <name>SettingNames</name>
    <message>
        <source>API token</source>
        <translation>токен API</translation>
    </message>
    <message>
        <source>API requests per second</source>
        <translation>запросов к API в секунду</translation>
    </message>
    <message>
        <source>jitter of the waits</source>
        <translation>разброс ожиданий</translation>
    </message>
    <message>
        <source>wait before a new round</source>
        <translation>пауза перед новым кругом</translation>
    </message>
    <message>
        <source>longest wait before a new round</source>
        <translation>наибольшая пауза перед новым кругом</translation>
    </message>
    <message>
        <source>claim lease</source>
        <translation>срок захвата задания</translation>
    </message>
    <message>
        <source>delivery report polling</source>
        <translation>опрос отчётов о доставке</translation>
    </message>
    <message>
        <source>log level</source>
        <translation>уровень журнала</translation>
    </message>
    <message>
        <source>database address</source>
        <translation>адрес базы данных</translation>
    </message>
    <message>
        <source>.env file</source>
        <translation>файл .env</translation>
    </message>
    <message>
        <source>passphrase of the secrets file</source>
        <translation>парольная фраза файла секретов</translation>
    </message>
    <message>
        <source>SMS per second</source>
        <translation>SMS в секунду</translation>
    </message>
    <message>
        <source>Telegram messages per second</source>
        <translation>сообщений Telegram в секунду</translation>
    </message>
    <message>
        <source>Telegram messages per second per chat</source>
        <translation>сообщений Telegram в секунду на чат</translation>
    </message>
    <message>
        <source>Twilio API key SID</source>
        <translation>SID ключа API Twilio</translation>
    </message>
    <message>
        <source>SIM slot of the gateway phone</source>
        <translation>слот SIM телефона-шлюза</translation>
    </message>
    <message>
        <source>“{field}” in Settings → {page}</source>
        <translation>«{field}» в разделе Настройки → {page}</translation>
    </message>
    <message>
        <source>the setting “{field}” (not in this window: the environment, a .env file or settings.json)</source>
        <translation>настройку «{field}» (её нет в этом окне: окружение, файл .env или settings.json)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <source>Delivery policy</source>
        <translation>Правила доставки</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Общие</translation>
    </message>
    <message>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Сохранить</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Отмена</translation>
    </message>
    <message>
        <source>SMTP server</source>
        <translation>Сервер SMTP</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Порт</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>Защита</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>From address</source>
        <translation>Адрес отправителя</translation>
    </message>
    <message>
        <source>From name</source>
        <translation>Имя отправителя</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>Тайм-аут</translation>
    </message>
    <message>
        <source>Login rejected</source>
        <translation>Если вход отклонён</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Провайдер</translation>
    </message>
    <message>
        <source>Account SID</source>
        <translation>Account SID</translation>
    </message>
    <message>
        <source>Auth token</source>
        <translation>Auth Token</translation>
    </message>
    <message>
        <source>From number</source>
        <translation>Номер отправителя</translation>
    </message>
    <message>
        <source>Messaging service SID</source>
        <translation>Messaging Service SID</translation>
    </message>
    <message>
        <source>API base</source>
        <translation>Базовый URL API</translation>
    </message>
    <message>
        <source>Sender name</source>
        <translation>Имя отправителя</translation>
    </message>
    <message>
        <source>Gateway address</source>
        <translation>Адрес шлюза</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Имя пользователя</translation>
    </message>
    <message>
        <source>Wait for the delivery report</source>
        <translation>Ждать отчёта о доставке</translation>
    </message>
    <message>
        <source>Bot token</source>
        <translation>Токен бота</translation>
    </message>
    <message>
        <source>Parse mode</source>
        <translation>Разметка</translation>
    </message>
    <message>
        <source>Disable link previews</source>
        <translation>Отключить предпросмотр ссылок</translation>
    </message>
    <message>
        <source>Channel order</source>
        <translation>Порядок каналов</translation>
    </message>
    <message>
        <source>Tries per channel</source>
        <translation>Попыток на канал</translation>
    </message>
    <message>
        <source>Waits between tries (s)</source>
        <translation>Паузы между попытками (с)</translation>
    </message>
    <message>
        <source>Give up after</source>
        <translation>Прекратить попытки через</translation>
    </message>
    <message>
        <source>Concurrent sends</source>
        <translation>Одновременных отправок</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Папка данных</translation>
    </message>
    <message>
        <source>Sandbox mode</source>
        <translation>Режим песочницы</translation>
    </message>
    <message>
        <source>Move to the credential store</source>
        <translation>Перенести в хранилище учётных данных</translation>
    </message>
    <message>
        <source>Secrets were found in .env files, stored as plain text:
{files}
Move them into the credential store; the other lines of the files stay as they are.</source>
        <translation>В файлах .env найдены секреты, хранящиеся открытым текстом:
{files}
Перенесите их в хранилище учётных данных; остальные строки файлов останутся без изменений.</translation>
    </message>
    <message>
        <source>The secrets could not be moved: {error}</source>
        <translation>Не удалось перенести секреты: {error}</translation>
    </message>
    <message>
        <source>Moved {count} secret(s) to the credential store and removed them from the .env files.</source>
        <translation>Секретов перенесено в хранилище учётных данных: {count}. Из файлов .env они удалены.</translation>
    </message>
    <message>
        <source>fix the highlighted values first</source>
        <translation>сначала исправьте выделенные значения</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Сохранение…</translation>
    </message>
    <message>
        <source>Nothing was saved: {error}</source>
        <translation>Ничего не сохранено: {error}</translation>
    </message>
    <message>
        <source>Saved, but the settings cannot be applied: {error}</source>
        <translation>Сохранено, но применить настройки не удалось: {error}</translation>
    </message>
    <message>
        <source>API</source>
        <translation>API</translation>
    </message>
    <message>
        <source>API key (api_id)</source>
        <translation>Ключ API (api_id)</translation>
    </message>
    <message>
        <source>Phone region</source>
        <translation>Регион телефонов</translation>
    </message>
    <message>
        <source>IMAP server</source>
        <translation>Сервер IMAP</translation>
    </message>
    <message>
        <source>Port (TLS)</source>
        <translation>Порт (TLS)</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Папка</translation>
    </message>
    <message>
        <source>Wait for a bounce</source>
        <translation>Ждать возврата</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>{name} is set in the environment and wins over what you save here.</source>
        <translation>Переменная {name} задана в окружении и имеет приоритет над значением, сохранённым здесь.</translation>
    </message>
    <message>
        <source>{name} is set on the command line and wins over what you save here.</source>
        <translation>Параметр {name} задан в командной строке и имеет приоритет над значением, сохранённым здесь.</translation>
    </message>
    <message>
        <source>{name} is set in {file} and wins over what you save here.</source>
        <translation>Параметр {name} задан в {file} и имеет приоритет над значением, сохранённым здесь.</translation>
    </message>
</context>
<context>
    <name>SmsPage</name>
    <message>
        <source>Off</source>
        <translation>Выключено</translation>
    </message>
    <message>
        <source>Android SMS gateway</source>
        <translation>SMS-шлюз на Android</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Провайдер</translation>
    </message>
    <message>
        <source>Account SID</source>
        <translation>Account SID</translation>
    </message>
    <message>
        <source>Auth token</source>
        <translation>Auth Token</translation>
    </message>
    <message>
        <source>From number</source>
        <translation>Номер отправителя</translation>
    </message>
    <message>
        <source>Messaging service SID</source>
        <translation>Messaging Service SID</translation>
    </message>
    <message>
        <source>API base</source>
        <translation>Базовый URL API</translation>
    </message>
    <message>
        <source>API key (api_id)</source>
        <translation>Ключ API (api_id)</translation>
    </message>
    <message>
        <source>Sender name</source>
        <translation>Имя отправителя</translation>
    </message>
    <message>
        <source>Gateway address</source>
        <translation>Адрес шлюза</translation>
    </message>
    <message>
        <source>Username</source>
        <translation>Имя пользователя</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Пароль</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>Тайм-аут</translation>
    </message>
    <message>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <source>Wait for the delivery report</source>
        <translation>Ждать отчёта о доставке</translation>
    </message>
    <message>
        <source> min</source>
        <translation> мин</translation>
    </message>
    <message>
        <source>don&apos;t wait (accepted counts as delivered)</source>
        <translation>не ждать (принято считается доставленным)</translation>
    </message>
    <message>
        <source>After the provider accepted an SMS, how long to wait for its delivery report before the chain goes on to the next channel</source>
        <translation>Сколько ждать отчёта о доставке после того, как провайдер принял SMS, прежде чем перейти к следующему каналу</translation>
    </message>
</context>
<context>
    <name>SmtpAccountBox</name>
    <message>
        <source>Send with a different SMTP account</source>
        <translation>Отправить через другую учётную запись SMTP</translation>
    </message>
    <message>
        <source>Login, e.g. name@example.com</source>
        <translation>Логин, например name@example.com</translation>
    </message>
    <message>
        <source>Password or app password</source>
        <translation>Пароль или пароль приложения</translation>
    </message>
    <message>
        <source>Login:</source>
        <translation>Логин:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Пароль:</translation>
    </message>
    <message>
        <source>Kept in the system credential store for these messages only, never in the database.</source>
        <translation>Хранится только для этих сообщений в хранилище учётных данных, не в базе.</translation>
    </message>
    <message>
        <source>Off: email goes out through the SMTP account in the settings.</source>
        <translation>Выключено: письма уходят через учётную запись SMTP из настроек.</translation>
    </message>
</context>
<context>
    <name>StorageBanner</name>
    <message>
        <source>&lt;b&gt;Delivery paused&lt;/b&gt;: the database cannot be written — the disk is probably full. Free some space; delivery goes on by itself and nothing is lost.</source>
        <translation>&lt;b&gt;Доставка приостановлена&lt;/b&gt;: в базу данных не удаётся записать — вероятно, диск заполнен. Освободите место: доставка продолжится сама, ничего не потеряется.</translation>
    </message>
</context>
<context>
    <name>TelegramLinkDialog</name>
    <message>
        <source>Link Telegram — {name}</source>
        <translation>Привязка Telegram — {name}</translation>
    </message>
    <message>
        <source>Ask {name} to open this link on a phone or computer with Telegram (or scan the code) and press Start. Keep this window open until then.</source>
        <translation>Попросите получателя ({name}) открыть эту ссылку на телефоне или компьютере с Telegram (или отсканировать код) и нажать «Запустить» (Start). До этого не закрывайте окно.</translation>
    </message>
    <message>
        <source>Preparing the link…</source>
        <translation>Подготовка ссылки…</translation>
    </message>
    <message>
        <source>the link appears here</source>
        <translation>здесь появится ссылка</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Копировать</translation>
    </message>
    <message>
        <source>Send this link by email / SMS</source>
        <translation>Отправить ссылку по эл. почте / SMS</translation>
    </message>
    <message>
        <source>Queue a message with the link to this recipient (email, then SMS)</source>
        <translation>Поставить в очередь сообщение со ссылкой для этого получателя (сначала эл. почта, затем SMS)</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Повторить</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>This recipient no longer exists.</source>
        <translation>Этого получателя больше нет.</translation>
    </message>
    <message>
        <source>Asking Telegram for the bot&apos;s name…</source>
        <translation>Запрос имени бота у Telegram…</translation>
    </message>
    <message>
        <source>Waiting for {name} to press Start in Telegram…</source>
        <translation>Ожидание, пока {name} нажмёт «Запустить» (Start) в Telegram…</translation>
    </message>
    <message>
        <source>Nobody pressed Start within {minutes} minutes; the link has expired.</source>
        <translation>За {minutes} мин. никто не нажал «Запустить» (Start); срок действия ссылки истёк.</translation>
    </message>
    <message>
        <source>Check the bot token in Settings → Telegram.</source>
        <translation>Проверьте токен бота в разделе Настройки → Telegram.</translation>
    </message>
    <message>
        <source>Linked: chat id {chat_id}</source>
        <translation>Привязано: ID чата {chat_id}</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Готово</translation>
    </message>
    <message>
        <source>Connect to our Telegram notifications</source>
        <translation>Подключение к нашим уведомлениям в Telegram</translation>
    </message>
    <message>
        <source>To receive our notifications in Telegram, open this link and press Start:
{url}</source>
        <translation>Чтобы получать наши уведомления в Telegram, откройте эту ссылку и нажмите «Запустить» (Start):
{url}</translation>
    </message>
    <message>
        <source>Link queued for email / SMS</source>
        <translation>Ссылка поставлена в очередь (эл. почта / SMS)</translation>
    </message>
    <message>
        <source>Open Settings…</source>
        <translation>Открыть настройки…</translation>
    </message>
    <message>
        <source>No link</source>
        <translation>Ссылки нет</translation>
    </message>
</context>
<context>
    <name>TelegramPage</name>
    <message>
        <source>Bot token</source>
        <translation>Токен бота</translation>
    </message>
    <message>
        <source>Plain text</source>
        <translation>Обычный текст</translation>
    </message>
    <message>
        <source>Parse mode</source>
        <translation>Разметка</translation>
    </message>
    <message>
        <source>Disable link previews</source>
        <translation>Отключить предпросмотр ссылок</translation>
    </message>
    <message>
        <source>Timeout</source>
        <translation>Тайм-аут</translation>
    </message>
    <message>
        <source> s</source>
        <translation> с</translation>
    </message>
    <message>
        <source>API base</source>
        <translation>Базовый URL API</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>queued</source>
        <translation>в очереди</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>при отправке</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>доставлено</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>не доставлено</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>отменено</translation>
    </message>
    <message>
        <source>Notification #%1 to %2</source>
        <translation>Уведомление #%1, получатель: %2</translation>
    </message>
    <message>
        <source>State: %1</source>
        <translation>Состояние: %1</translation>
    </message>
    <message>
        <source>Subject: %1</source>
        <translation>Тема: %1</translation>
    </message>
    <message>
        <source>Channels: %1</source>
        <translation>Каналы: %1</translation>
    </message>
    <message>
        <source>Next try: %1</source>
        <translation>Следующая попытка: %1</translation>
    </message>
    <message>
        <source>Gave up: %1</source>
        <translation>Попытки прекращены: %1</translation>
    </message>
    <message>
        <source>Message id: %1</source>
        <translation>Идентификатор сообщения: %1</translation>
    </message>
    <message>
        <source>confirmed by the handset</source>
        <translation>подтверждено телефоном получателя</translation>
    </message>
    <message>
        <source>accepted by Telegram</source>
        <translation>принято Telegram</translation>
    </message>
    <message>
        <source>no bounce within the confirmation window</source>
        <translation>возврата не было за время ожидания</translation>
    </message>
    <message>
        <source>accepted by the mail server</source>
        <translation>принято почтовым сервером</translation>
    </message>
    <message>
        <source>accepted by the SMS provider</source>
        <translation>принято SMS-провайдером</translation>
    </message>
    <message>
        <source>Accepted; waiting for the delivery report until %1</source>
        <translation>Принято; ждём отчёта о доставке до %1</translation>
    </message>
    <message>
        <source>%1  accepted → %2 after %3 s</source>
        <translation>%1  принято → %2 через %3 с</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Show window</source>
        <translation>Показать окно</translation>
    </message>
    <message>
        <source>Pause sending</source>
        <translation>Приостановить отправку</translation>
    </message>
    <message>
        <source>Keep running when the window is closed</source>
        <translation>Работать после закрытия окна</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Выход</translation>
    </message>
    <message>
        <source>Notification failed</source>
        <translation>Уведомление не доставлено</translation>
    </message>
    <message>
        <source>{recipient} could not be reached on any channel.</source>
        <translation>{recipient}: не удалось доставить ни по одному каналу.</translation>
    </message>
    <message>
        <source>Email is held: the server rejected the login</source>
        <translation>Почта приостановлена: сервер отклонил вход</translation>
    </message>
    <message>
        <source>{channel} is held</source>
        <translation>Канал {channel} приостановлен</translation>
    </message>
    <message>
        <source>Queued email waits until you fix the credentials in Settings (or retry).</source>
        <translation>Письма в очереди ждут, пока вы не исправите учётные данные в настройках (или не повторите попытку).</translation>
    </message>
    <message>
        <source>Messages go on to the next channel until you fix the credentials in Settings.</source>
        <translation>Сообщения уходят по следующему каналу, пока вы не исправите учётные данные в настройках.</translation>
    </message>
    <message>
        <source> and {n} more</source>
        <translation> и ещё {n}</translation>
    </message>
    <message>
        <source>{n} notifications failed</source>
        <translation>Не доставлено уведомлений: {n}</translation>
    </message>
    <message>
        <source>Not delivered on any channel: {names}{more}.</source>
        <translation>Не доставлено ни по одному каналу: {names}{more}.</translation>
    </message>
    <message>
        <source>Resume sending</source>
        <translation>Возобновить отправку</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>отправка</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>приостановлено</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>остановлено</translation>
    </message>
    <message>
        <source>Notifier — {state}</source>
        <translation>Notifier — {state}</translation>
    </message>
    <message>
        <source>Notifier is still running</source>
        <translation>Notifier продолжает работать</translation>
    </message>
    <message>
        <source>The queue keeps sending in the background. Open the window or quit from this icon&apos;s menu.</source>
        <translation>Очередь продолжает отправку в фоне. Откройте окно или выйдите через меню этого значка.</translation>
    </message>
</context>
<context>
    <name>Upgrade</name>
    <message>
        <source>Upgrading the database…</source>
        <translation>Обновление базы данных…</translation>
    </message>
    <message>
        <source>Upgrading the database: %1 of %2 attempts indexed…</source>
        <translation>Обновление базы данных: проиндексировано попыток %1 из %2…</translation>
    </message>
</context>
</TS>
