// What two users do in the real app's windows in tst_app_e2e, one round at a time, through the
// UI only (clicks and keys, on the real QML): a conversation with its notification, read
// receipt and safety numbers; a new conversation to a number nobody registered; disappearing
// messages counting down in both windows; Note to Self. Each step QVERIFYs as it goes.
#pragma once

#include <QString>

class QQuickItem;

namespace tandem::gui {
class AppWindow;
}

namespace tandem::test::chat {

// The item of the window named `name` (its objectName), or nullptr.
QQuickItem* find(gui::AppWindow& app, const char* name);

// Types into the composer of `app` and presses Enter; true when it was sent (composer clear).
bool typeAndSend(gui::AppWindow& app, const QString& text);

// Alice opens her conversation with Bob and writes; Bob is notified (with or without the
// text, as he chose), opens it and answers; his read receipt marks hers read; both compare
// safety numbers and Alice marks Bob verified. `mode` names the screenshots.
void conversationRound(gui::AppWindow& alice, gui::AppWindow& bob, const QString& mode);

// A new conversation: the address is checked as it is typed; a number nobody registered
// fails, says so, and offers a retry.
void newConversationAndFailure(gui::AppWindow& app);

// Alice picks 5 seconds in the chat header's menu; a line says so in both chats; her next
// text counts down and is gone from both windows — bubble and list preview — about 5 s after
// she sent it (hers) and Bob read it (his); then she turns the timer off again.
void disappearingRound(gui::AppWindow& alice, gui::AppWindow& bob);

// Note to Self: opened from its button, kept on this computer.
void noteToSelf(gui::AppWindow& app);

}  // namespace tandem::test::chat
