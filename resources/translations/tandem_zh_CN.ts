<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../qml/settings/AboutDialog.qml" line="+18"/>
        <source>About Tandem</source>
        <translation>关于 Tandem</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Tandem logo</source>
        <translation>Tandem 标志</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Tandem %1</source>
        <translation>Tandem %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>One messenger, Signal&apos;s and Session&apos;s privacy models.</source>
        <translation>一个通讯软件，兼具 Signal 与 Session 两种隐私模式。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Licence: GNU General Public License, version 3 or later (GPL-3.0-or-later).</source>
        <translation>许可证：GNU 通用公共许可证第 3 版或更高版本（GPL-3.0-or-later）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tandem is free software: you can redistribute it and/or modify it under the terms of the GNU General Public License as published by the Free Software Foundation, either version 3 of the License, or (at your option) any later version. It is distributed in the hope that it will be useful, but WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE. See the LICENSE file that comes with Tandem, or https://www.gnu.org/licenses/.</source>
        <translation>Tandem 是自由软件：你可以依据自由软件基金会发布的 GNU 通用公共许可证第 3 版或（由你选择）任何更高版本的条款，重新发布和/或修改它。发布它是希望它有用，但不提供任何担保，甚至不包括对适销性或特定用途适用性的默示担保。详见随 Tandem 提供的 LICENSE 文件，或 https://www.gnu.org/licenses/。（本译文仅供参考，以英文原文为准。）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Source code: Tandem is built from its public source repository. Under the licence, whoever gives you a copy of Tandem must also offer you its source code.</source>
        <translation>源代码：Tandem 由其公开的源代码仓库构建。根据许可证，向你提供 Tandem 副本的人也必须向你提供其源代码。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Default stickers (Tandem Friends, Tandem Motion): original art made for Tandem, under the same licence. Their SVG files in the repository (resources/stickers/) are the source of the art.</source>
        <translation>默认贴纸（Tandem Friends、Tandem Motion）：为 Tandem 原创的作品，采用相同的许可证。仓库中的 SVG 文件（resources/stickers/）即为这些作品的源文件。</translation>
    </message>
</context>
<context>
    <name>AccountSetup</name>
    <message>
        <location filename="../../qml/accounts/AccountSetup.qml" line="+41"/>
        <source>Choose a network file</source>
        <translation>选择网络文件</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network files (*.json)</source>
        <translation>网络文件 (*.json)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Network link (tandem://network/…) or file (network.json)</source>
        <translation>网络链接（tandem://network/…）或文件（network.json）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network link or file</source>
        <translation>网络链接或文件</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Choose file…</source>
        <translation>选择文件…</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Network link: %1</source>
        <translation>网络链接：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network file: %1</source>
        <translation>网络文件：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Network key %1</source>
        <translation>网络密钥 %1</translation>
    </message>
</context>
<context>
    <name>Addresses</name>
    <message>
        <location filename="../../app/core/Addressee.cpp" line="+26"/>
        <source>Note to Self is kept on this device only: nothing is sent from it</source>
        <translation>备忘录只保存在本设备上，不会发送任何内容</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>You blocked %1. Unblock them to send.</source>
        <translation>你已屏蔽 %1。取消屏蔽后才能发送。</translation>
    </message>
    <message>
        <location filename="../../app/core/Addresses.cpp" line="+24"/>
        <source>this Session ID cannot receive messages: its key is one nobody holds (a key of small order, such as all zeros), so anyone could read what is sent to it</source>
        <translation>此 Session ID 无法接收消息：它的密钥无人持有（小阶密钥，例如全零），发给它的内容任何人都能读取</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>phone number (+E.164)</source>
        <translation>手机号码（+E.164）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>this profile has no Signal account (tandemctl init signal)</source>
        <translation>此配置文件还没有 Signal 账户（tandemctl init signal）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>this profile has no Session ID (tandemctl init session)</source>
        <translation>此配置文件还没有 Session ID（tandemctl init session）</translation>
    </message>
    <message>
        <location filename="../../app/core/Messenger.cpp" line="+452"/>
        <source>“%1” is not a %2 address</source>
        <translation>“%1”不是%2</translation>
    </message>
</context>
<context>
    <name>AttachmentChip</name>
    <message>
        <location filename="../../qml/attachments/AttachmentChip.qml" line="+18"/>
        <source>Attached: %1</source>
        <translation>已附加：%1</translation>
    </message>
    <message>
        <location line="+55"/>
        <location line="+2"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context>
<context>
    <name>AttachmentView</name>
    <message>
        <location filename="../../qml/attachments/AttachmentView.qml" line="+46"/>
        <source>Image %1</source>
        <translation>图片 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>File %1, %2</source>
        <translation>文件 %1，%2</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+143"/>
        <location line="+2"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location line="-143"/>
        <location line="+82"/>
        <location line="+92"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location line="-133"/>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Waiting to download</source>
        <translation>等待下载</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>waiting to download</source>
        <translation>等待下载</translation>
    </message>
</context>
<context>
    <name>ChatPane</name>
    <message>
        <location filename="../../qml/chat/ChatPane.qml" line="+119"/>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>Choose a conversation, or start one above the list.</source>
        <translation>选择一个会话，或在列表上方发起新会话。</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>verified</source>
        <translation>已验证</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Disappearing messages: %1</source>
        <translation>限时消息：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Disappearing messages: off</source>
        <translation>限时消息：关闭</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>Custom…</source>
        <translation>自定义…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Count from the send, not from reading</source>
        <translation>从发送时开始计时，而非阅读时</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Details</source>
        <translation>详情</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Contact details and safety number</source>
        <translation>联系人详情和安全码</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Contact details and safety number (Ctrl+I)</source>
        <translation>联系人详情和安全码（Ctrl+I）</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Disappearing messages</source>
        <translation>限时消息</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>days</source>
        <translation>天</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>weeks</source>
        <translation>周</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>From 5 seconds to 4 weeks</source>
        <translation>5 秒到 4 周之间</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Set</source>
        <translation>设定</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Drop files to send them</source>
        <translation>拖放文件到此处发送</translation>
    </message>
</context>
<context>
    <name>ChatShell</name>
    <message>
        <location filename="../../qml/app/ChatShell.qml" line="+48"/>
        <source>Note to Self</source>
        <translation>备忘录</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>That contact link is for Signal mode: set up Signal mode first.</source>
        <translation>该联系人链接用于 Signal 模式，请先设置 Signal 模式。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That contact link is for Session mode: set up Session mode first.</source>
        <translation>该联系人链接用于 Session 模式，请先设置 Session 模式。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>That is a network link: it is used when an account is set up (or with tandemctl set-network).</source>
        <translation>这是一个网络链接，用于设置账户（或通过 tandemctl set-network 使用）。</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <location filename="../../qml/chat/Composer.qml" line="+70"/>
        <source>Choose files to send</source>
        <translation>选择要发送的文件</translation>
    </message>
    <message>
        <location line="+55"/>
        <location line="+2"/>
        <source>Attach files</source>
        <translation>添加附件</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+2"/>
        <source>Stickers</source>
        <translation>贴纸</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+2"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
</context>
<context>
    <name>ContactDetailsPopup</name>
    <message>
        <location filename="../../qml/contacts/ContactDetailsPopup.qml" line="+50"/>
        <source>Safety number</source>
        <translation>安全码</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not known yet: it appears once you have exchanged messages.</source>
        <translation>暂不可用：互发消息后才会显示。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Safety number %1</source>
        <translation>安全码 %1</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Safety number as a QR code</source>
        <translation>安全码二维码</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Compare these numbers with %1 in person or on a call. If they match, mark them as verified.</source>
        <translation>请当面或通过通话与 %1 核对这些数字。如果一致，请标记为已验证。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Clear verification</source>
        <translation>清除验证</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark as verified</source>
        <translation>标记为已验证</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Unblock</source>
        <translation>取消屏蔽</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Block</source>
        <translation>屏蔽</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unblock %1</source>
        <translation>取消屏蔽 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Block %1</source>
        <translation>屏蔽 %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <location filename="../../qml/conversations/ConversationList.qml" line="+44"/>
        <source>This is not a contact link: paste it into the message field instead.</source>
        <translation>这不是联系人链接，请将它粘贴到消息输入框中。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This link is for Signal mode, where this profile has no account yet.</source>
        <translation>此链接用于 Signal 模式，而此配置文件在该模式下还没有账户。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This link is for Session mode, where this profile has no Session ID yet.</source>
        <translation>此链接用于 Session 模式，而此配置文件还没有 Session ID。</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Start a conversation with</source>
        <translation>与谁发起会话</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Note to Self</source>
        <translation>备忘录</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Note to Self (Ctrl+Shift+N)</source>
        <translation>备忘录（Ctrl+Shift+N）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Signal account id</source>
        <translation>Signal 账户 ID</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Session ID</source>
        <translation>Session ID</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>suggests the name “%1”</source>
        <translation>建议名称“%1”</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>‹ Back to conversations</source>
        <translation>‹ 返回会话列表</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Message requests (%1)</source>
        <translation>消息请求（%1）</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Conversations</source>
        <translation>会话</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>No message requests.</source>
        <translation>没有消息请求。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No conversations yet. Start one above, or write yourself a note.</source>
        <translation>还没有会话。在上方发起一个，或给自己写条备忘。</translation>
    </message>
</context>
<context>
    <name>ConversationRow</name>
    <message numerus="yes">
        <location filename="../../qml/conversations/ConversationRow.qml" line="+26"/>
        <source>, %n unread</source>
        <translation>
            <numerusform>，%n 条未读</numerusform>
        </translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Disappearing messages on</source>
        <translation>限时消息已开启</translation>
    </message>
</context>
<context>
    <name>ConversationService</name>
    <message>
        <location filename="../../app/core/ConversationService.cpp" line="+28"/>
        <source>The message is empty.</source>
        <translation>消息为空。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The message is too long (%1 bytes; the limit is %2).</source>
        <translation>消息过长（%1 字节，上限为 %2）。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>A name cannot be blank (&quot;&quot; clears it).</source>
        <translation>名称不能为空白（&quot;&quot; 表示清除）。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A name has at most %1 characters; this one has %2.</source>
        <translation>名称最多 %1 个字符，当前为 %2 个。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>A name cannot hold line breaks, control or invisible characters or direction overrides (U+%1).</source>
        <translation>名称不能包含换行符、控制字符、不可见字符或方向覆盖字符（U+%1）。</translation>
    </message>
</context>
<context>
    <name>CreateProfilePage</name>
    <message>
        <location filename="../../qml/accounts/CreateProfilePage.qml" line="+28"/>
        <source>Tandem logo</source>
        <translation>Tandem 标志</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Welcome to Tandem</source>
        <translation>欢迎使用 Tandem</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>One messenger, two privacy models: Signal mode over a relay, Session mode over an onion network. Choose a passphrase: it encrypts everything Tandem keeps on this computer.</source>
        <translation>一个通讯软件，两种隐私模式：Signal 模式经由中继服务器，Session 模式经由洋葱网络。请设置一个密码，Tandem 保存在这台电脑上的所有内容都将用它加密。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Keep the key in the system keychain (no passphrase at start)</source>
        <translation>将密钥保存在系统钥匙串中（启动时无需密码）</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Anyone who can use your desktop session can open this profile. You can set a passphrase instead later, in Settings.</source>
        <translation>任何能使用你的桌面会话的人都能打开此配置文件。之后你可以在“设置”中改用密码。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Passphrase (at least 8 characters)</source>
        <translation>密码（至少 8 个字符）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New passphrase</source>
        <translation>新密码</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The same passphrase again</source>
        <translation>再次输入同一密码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Repeat the passphrase</source>
        <translation>重复输入密码</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The two passphrases differ.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Creating…</source>
        <translation>正在创建…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Create profile</source>
        <translation>创建配置文件</translation>
    </message>
</context>
<context>
    <name>Disappearing</name>
    <message>
        <location filename="../../app/core/Disappearing.cpp" line="+91"/>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>1 week</source>
        <translation>1 周</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 weeks</source>
        <translation>%1 周</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 day</source>
        <translation>1 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 days</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 hour</source>
        <translation>1 小时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 hours</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 minute</source>
        <translation>1 分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 minutes</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 second</source>
        <translation>1 秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+7"/>
        <source>%1 seconds</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>Disappearing messages changed</source>
        <translation>限时消息设置已更改</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>You turned off disappearing messages</source>
        <translation>你关闭了限时消息</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 turned off disappearing messages</source>
        <translation>%1 关闭了限时消息</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>You set disappearing messages to %1 after send</source>
        <translation>你将限时消息设为发送后 %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 set disappearing messages to %2 after send</source>
        <translation>%1 将限时消息设为发送后 %2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>You set disappearing messages to %1</source>
        <translation>你将限时消息设为 %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 set disappearing messages to %2</source>
        <translation>%1 将限时消息设为 %2</translation>
    </message>
</context>
<context>
    <name>FileChooser</name>
    <message>
        <location filename="../../qml/ui/FileChooser.qml" line="+49"/>
        <source>No file dialog: the Qt.labs.folderlistmodel QML module is missing.</source>
        <translation>无法打开文件对话框：缺少 Qt.labs.folderlistmodel QML 模块。</translation>
    </message>
</context>
<context>
    <name>IdentityBanner</name>
    <message>
        <location filename="../../qml/contacts/IdentityBanner.qml" line="+26"/>
        <source>Your safety number with %1 changed, and you had verified it. Their device may have been reinstalled, or someone may be intercepting. Your messages to them wait until you accept the new safety number or verify it again.</source>
        <translation>你与 %1 的安全码已更改，而你之前验证过它。对方可能重装了设备，也可能有人在拦截通信。在你接受新的安全码或重新验证之前，发给对方的消息将暂缓发送。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your safety number with %1 changed. Their device may have been reinstalled, or someone may be intercepting. Compare it again in the contact details.</source>
        <translation>你与 %1 的安全码已更改。对方可能重装了设备，也可能有人在拦截通信。请在联系人详情中重新核对。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accept the new safety number and send</source>
        <translation>接受新安全码并发送</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <location filename="../../qml/attachments/ImageViewer.qml" line="+51"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>This image cannot be shown.</source>
        <translation>无法显示此图片。</translation>
    </message>
</context>
<context>
    <name>LatencyPage</name>
    <message>
        <location filename="../../qml/latency/LatencyPage.qml" line="+48"/>
        <source>Signal (relay)</source>
        <translation>Signal（中继）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Session (onion)</source>
        <translation>Session（洋葱网络）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Chart saved to %1</source>
        <translation>图表已保存到 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot write %1</source>
        <translation>无法写入 %1</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>%1 of %2 probes</source>
        <translation>探测 %1 / %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Comparison done: %1</source>
        <translation>对比完成：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The comparison stopped: %1</source>
        <translation>对比已中止：%1</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Compare latency</source>
        <translation>延迟对比</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Samples shown</source>
        <translation>显示的样本</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+15"/>
        <source>Probes</source>
        <translation>探测</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Probes and messages</source>
        <translation>探测和消息</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Probes measure the transports alone; a message&apos;s round trip also holds the outbox and whether the recipient was online.</source>
        <translation>探测只测量传输本身；消息的往返时间还包括发件队列的等待以及接收方是否在线。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Latency shown</source>
        <translation>显示的延迟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Round trip</source>
        <translation>往返</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>One way</source>
        <translation>单向</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Probes per transport</source>
        <translation>每种传输的探测次数</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Running…</source>
        <translation>正在运行…</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+3"/>
        <source>Run comparison</source>
        <translation>运行对比</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Not connected, or a comparison is already running.</source>
        <translation>未连接，或已有对比正在运行。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>PNG images (*.png)</source>
        <translation>PNG 图片 (*.png)</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Samples saved to %1</source>
        <translation>样本已保存到 %1</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Transport</source>
        <translation>传输</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Samples</source>
        <translation>样本数</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>p50 ms</source>
        <translation>p50（毫秒）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>max ms</source>
        <translation>最大（毫秒）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>p90 ms</source>
        <translation>p90（毫秒）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>p99 ms</source>
        <translation>p99（毫秒）</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>No message has been delivered yet.</source>
        <translation>还没有消息送达。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No probes yet: press Run comparison, or show Messages.</source>
        <translation>还没有探测数据：请点击“运行对比”，或改为显示消息。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Delivered within (CDF)</source>
        <translation>送达时间分布（CDF）</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+29"/>
        <source>milliseconds</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>fraction delivered</source>
        <translation>送达比例</translation>
    </message>
    <message>
        <location line="-215"/>
        <location line="+2"/>
        <source>Signal</source>
        <translation>Signal</translation>
    </message>
    <message>
        <location line="-1"/>
        <location line="+2"/>
        <source>Session</source>
        <translation>Session</translation>
    </message>
    <message>
        <location line="+221"/>
        <source>Over time</source>
        <translation>随时间变化</translation>
    </message>
</context>
<context>
    <name>Links</name>
    <message>
        <location filename="../../app/core/Links.cpp" line="+38"/>
        <source>the %1 link has no fields after &quot;#&quot;</source>
        <translation>该 %1 链接在“#”之后没有字段</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>&quot;%1&quot; is not a field (name=value)</source>
        <translation>“%1”不是字段（名称=值）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>a %1 link has no field &quot;%2&quot;</source>
        <translation>%1 链接没有“%2”字段</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the field &quot;%1&quot; appears twice</source>
        <translation>字段“%1”出现了两次</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>the field &quot;%1&quot; is empty</source>
        <translation>字段“%1”为空</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>the %1 link has no &quot;%2&quot; field (was it cut short?)</source>
        <translation>该 %1 链接缺少“%2”字段（是否被截断了？）</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>&quot;key&quot; must be the network key: 64 lowercase hexadecimal digits</source>
        <translation>“key”必须是网络密钥：64 位小写十六进制数字</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&quot;sig&quot; must be a 64-byte signature in base64url (86 characters)</source>
        <translation>“sig”必须是 base64url 编码的 64 字节签名（86 个字符）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&quot;config&quot; is not base64url</source>
        <translation>“config”不是 base64url 编码</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>its signature does not match: the link was altered or cut short, or not made with that network key</source>
        <translation>签名不匹配：链接被篡改或截断，或并非用该网络密钥生成</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+5"/>
        <source>the network it carries: %1</source>
        <translation>链接中的网络：%1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>it names neither a relay nor an onion network</source>
        <translation>它既没有指定中继服务器，也没有指定洋葱网络</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>the onion network&apos;s key is not the key that signed the link</source>
        <translation>洋葱网络的密钥不是签署该链接的密钥</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>a contact link carries an account id (aci:…) or a Session ID, never a phone number</source>
        <translation>联系人链接包含账户 ID（aci:…）或 Session ID，绝不包含手机号码</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&quot;id&quot; is neither a Signal account id (aci: and 32 lowercase hex digits) nor a Session ID (05 and 64 lowercase hex digits)</source>
        <translation>“id”既不是 Signal 账户 ID（aci: 加 32 位小写十六进制数字），也不是 Session ID（05 加 64 位小写十六进制数字）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>the name it suggests: %1</source>
        <translation>建议的名称：%1</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>the name it suggests is not percent-encoded UTF-8</source>
        <translation>建议的名称不是百分号编码的 UTF-8</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>a Tandem link starts with tandem:// in lower case</source>
        <translation>Tandem 链接以小写的 tandem:// 开头</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>a Tandem link starts with tandem://</source>
        <translation>Tandem 链接以 tandem:// 开头</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>a Tandem link is printable ASCII without spaces; this one holds U+%1 at character %2</source>
        <translation>Tandem 链接只含可打印的 ASCII 字符且没有空格；此链接在第 %2 个字符处含有 U+%1</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>a Tandem link has at most %1 characters; this one has %2</source>
        <translation>Tandem 链接最多 %1 个字符，此链接有 %2 个</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>the link is empty</source>
        <translation>链接为空</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>&quot;tandem://%1&quot; is no kind of link Tandem knows (network, contact, stickers)</source>
        <translation>“tandem://%1”不是 Tandem 能识别的链接类型（network、contact、stickers）</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>a %1 link carries its fields after tandem://%1/#</source>
        <translation>%1 链接的字段位于 tandem://%1/# 之后</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>not a valid network link: %1</source>
        <translation>不是有效的网络链接：%1</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>not a valid contact link: %1</source>
        <translation>不是有效的联系人链接：%1</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>this is a %1 link, not a %2 link</source>
        <translation>这是 %1 链接，不是 %2 链接</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>the network names neither a relay nor an onion network</source>
        <translation>该网络既没有指定中继服务器，也没有指定洋葱网络</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>the onion network&apos;s key is not the key the link would be signed with</source>
        <translation>洋葱网络的密钥不是用于签署该链接的密钥</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>the network&apos;s link would have %1 characters, more than %2: share its network.json instead</source>
        <translation>该网络的链接将有 %1 个字符，超过 %2 个：请改为分享它的 network.json</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../../qml/app/Main.qml" line="+17"/>
        <source>%1 — Tandem (%2)</source>
        <translation>%1 — Tandem（%2）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tandem</source>
        <translation>Tandem</translation>
    </message>
</context>
<context>
    <name>MessageBubble</name>
    <message>
        <location filename="../../qml/chat/MessageBubble.qml" line="+52"/>
        <source>%1s</source>
        <comment>seconds left before the message disappears</comment>
        <translation>%1秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1m</source>
        <comment>minutes left</comment>
        <translation>%1分钟</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1h</source>
        <comment>hours left</comment>
        <translation>%1小时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1d</source>
        <comment>days left</comment>
        <translation>%1天</translation>
    </message>
    <message>
        <location line="+32"/>
        <location line="+17"/>
        <source>not sent · tap to retry</source>
        <translation>未发送 · 点击重试</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>read</source>
        <translation>已读</translation>
    </message>
    <message>
        <location line="+21"/>
        <location line="+44"/>
        <source>You: </source>
        <translation>你：</translation>
    </message>
    <message>
        <location line="-44"/>
        <source>Sticker %1</source>
        <translation>贴纸 %1</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <location filename="../../qml/core/ProfileSession.cpp" line="+15"/>
        <source>That passphrase does not open this profile. Check it and try again.</source>
        <translation>密码无法打开此配置文件。请检查后重试。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The system keychain did not give this profile&apos;s key. Unlock your keyring (or start its service, such as GNOME Keyring), then try again.</source>
        <translation>系统钥匙串没有提供此配置文件的密钥。请解锁你的密钥环（或启动其服务，例如 GNOME Keyring），然后重试。</translation>
    </message>
    <message>
        <location filename="../../qml/stickers/StickerDraftModel.cpp" line="+29"/>
        <source>The file is larger than 32 MiB.</source>
        <translation>文件大于 32 MiB。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The file cannot be read.</source>
        <translation>无法读取该文件。</translation>
    </message>
</context>
<context>
    <name>RequestBar</name>
    <message>
        <location filename="../../qml/contacts/RequestBar.qml" line="+33"/>
        <source>Block?</source>
        <translation>要屏蔽此人吗？</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delete this conversation?</source>
        <translation>删除此会话？</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Block %1? Their messages will be dropped, and they are not told. You can unblock them in Settings.</source>
        <translation>要屏蔽 %1 吗？对方的消息将被丢弃，且不会通知对方。你可以在设置中取消屏蔽。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The conversation is deleted from this device. If they write again, it comes back as a new request.</source>
        <translation>会话将从本设备删除。如果对方再次发来消息，它会作为新的请求出现。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>You blocked %1. Their messages are dropped, and they are not told.</source>
        <translation>你已屏蔽 %1。对方的消息会被丢弃，且不会通知对方。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 wants to message you. Accept to reply. Until you do, they do not see your name or picture, or that you read their messages, and the files they send are not downloaded.</source>
        <translation>%1 想给你发消息。接受后即可回复。在你接受之前，对方看不到你的名字和头像，也不知道你是否已读其消息；对方发来的文件也不会下载。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Block</source>
        <translation>屏蔽</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Block %1</source>
        <translation>屏蔽 %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete this conversation</source>
        <translation>删除此会话</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accept %1&apos;s message request</source>
        <translation>接受 %1 的消息请求</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Unblock</source>
        <translation>取消屏蔽</translation>
    </message>
</context>
<context>
    <name>SessionAccountForm</name>
    <message>
        <location filename="../../qml/accounts/SessionAccountForm.qml" line="+13"/>
        <source>Set up Session mode</source>
        <translation>设置 Session 模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No phone number: a random Session ID is your address, and a recovery phrase of 13 words is the only way to get it back.</source>
        <translation>无需手机号码：随机生成的 Session ID 就是你的地址，由 13 个单词组成的恢复短语是找回它的唯一方式。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Create a Session ID</source>
        <translation>创建 Session ID</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Restore from a recovery phrase</source>
        <translation>用恢复短语恢复</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Your Session ID</source>
        <translation>你的 Session ID</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Your recovery phrase: write it down and keep it safe. It is shown only now.</source>
        <translation>你的恢复短语：请抄写下来并妥善保管。它只显示这一次。</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>I wrote it down</source>
        <translation>我已抄写下来</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Type these words of your phrase</source>
        <translation>请输入恢复短语中的这些单词</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Word %1</source>
        <translation>第 %1 个单词</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+32"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>The 13 words of your recovery phrase</source>
        <translation>恢复短语的 13 个单词</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Recovery phrase</source>
        <translation>恢复短语</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../qml/settings/SettingsPage.qml" line="+63"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Close settings</source>
        <translation>关闭设置</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Your profile</source>
        <translation>你的资料</translation>
    </message>
    <message>
        <location line="+17"/>
        <location line="+3"/>
        <source>Your name</source>
        <translation>你的名字</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Choose picture…</source>
        <translation>选择头像…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Remove picture</source>
        <translation>移除头像</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Choose a picture</source>
        <translation>选择一张图片</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pictures (*.png *.jpg *.jpeg *.webp *.gif *.bmp)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp *.gif *.bmp)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Shown to the people you accept, in both modes, encrypted; never to someone whose message request you have not accepted.</source>
        <translation>在两种模式下加密显示给你已接受的人；未接受其消息请求的人永远看不到。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Notifications</source>
        <translation>通知</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Show the sender and the text in notifications</source>
        <translation>在通知中显示发送者和内容</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Off: a notification only says that a message came, so nothing of it shows on a locked or shared screen.</source>
        <translation>关闭时：通知只提示有新消息，锁屏或共享屏幕上不会显示任何内容。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Privacy</source>
        <translation>隐私</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Send read receipts</source>
        <translation>发送已读回执</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Off: your contacts do not see when you have read their messages.</source>
        <translation>关闭时：联系人看不到你何时读了他们的消息。</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+15"/>
        <source>Disappearing messages in chats you start</source>
        <translation>你发起的聊天中的限时消息</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>A new chat starts with this timer; each chat&apos;s own menu changes it.</source>
        <translation>新聊天默认使用此计时；可在各聊天的菜单中单独更改。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Blocked</source>
        <translation>已屏蔽</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Nobody is blocked. Block someone from their chat.</source>
        <translation>没有屏蔽任何人。可在聊天中屏蔽对方。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Their messages are dropped, and they are not told.</source>
        <translation>对方的消息会被丢弃，且不会通知对方。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Unblock</source>
        <translation>取消屏蔽</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unblock %1</source>
        <translation>取消屏蔽 %1</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+9"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location line="-8"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>System follows your desktop&apos;s light or dark setting.</source>
        <translation>“跟随系统”会随桌面的浅色或深色设置变化。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>System uses your desktop&apos;s language where Tandem has it, else English. Dates, times and numbers follow the language.</source>
        <translation>“跟随系统”会使用桌面的语言（如果 Tandem 支持），否则使用英语。日期、时间和数字格式随语言变化。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Passphrase</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>This profile&apos;s key is kept in the system keychain: Tandem opens without a passphrase. Choose one below to use a passphrase instead.</source>
        <translation>此配置文件的密钥保存在系统钥匙串中：Tandem 启动时无需密码。如需改用密码，请在下方设置一个。</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Passphrase changed. Use the new one from now on.</source>
        <translation>密码已更改。今后请使用新密码。</translation>
    </message>
    <message>
        <location line="-27"/>
        <source>Current passphrase</source>
        <translation>当前密码</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>New passphrase (at least 8 characters)</source>
        <translation>新密码（至少 8 个字符）</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>New passphrase again</source>
        <translation>再次输入新密码</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+12"/>
        <source>Changing…</source>
        <translation>正在更改…</translation>
    </message>
    <message>
        <location line="-12"/>
        <source>Change passphrase</source>
        <translation>更改密码</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Use this passphrase instead</source>
        <translation>改用此密码</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The key is now protected by your passphrase; Tandem asks for it at start.</source>
        <translation>密钥现在由你的密码保护；Tandem 启动时会要求输入。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Keep the key in the system keychain</source>
        <translation>将密钥保存在系统钥匙串中</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The key is now kept in the system keychain; Tandem opens without a passphrase.</source>
        <translation>密钥现在保存在系统钥匙串中；Tandem 启动时无需密码。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>With the current passphrase above: Tandem then opens without one, and anyone who can use your desktop session can open it.</source>
        <translation>需先在上方输入当前密码：之后 Tandem 启动时无需密码，任何能使用你的桌面会话的人都能打开它。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Profile folder</source>
        <translation>配置文件夹</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Messages, contacts and keys are kept encrypted in this folder. Back it up with the passphrase; anyone with both can read it.</source>
        <translation>消息、联系人和密钥都加密保存在此文件夹中。请连同密码一起备份；同时拥有二者的人即可读取。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Tandem %1 · GPL-3.0-or-later</source>
        <translation>Tandem %1 · GPL-3.0-or-later</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>About Tandem…</source>
        <translation>关于 Tandem…</translation>
    </message>
</context>
<context>
    <name>ShareIdDialog</name>
    <message>
        <location filename="../../qml/links/ShareIdDialog.qml" line="+42"/>
        <source>Share my ID</source>
        <translation>分享我的 ID</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Send a link, or let someone scan its code: with it they can write to you. Your phone number is never in a link.</source>
        <translation>发送链接，或让对方扫描二维码，对方就能给你发消息。链接中绝不会包含你的手机号码。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>This profile has no account yet.</source>
        <translation>此配置文件还没有账户。</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Your link as a QR code</source>
        <translation>你的链接二维码</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Signal mode · your account id</source>
        <translation>Signal 模式 · 你的账户 ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Session mode · your Session ID</source>
        <translation>Session 模式 · 你的 Session ID</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Copy link</source>
        <translation>复制链接</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ShellHeader</name>
    <message>
        <location filename="../../qml/app/ShellHeader.qml" line="+30"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Signal</source>
        <translation>Signal</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Session</source>
        <translation>Session</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Path: you → %1</source>
        <translation>路径：你 → %1</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Compare latency</source>
        <translation>延迟对比</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Signal and Session delivery latency, measured (Ctrl+L)</source>
        <translation>实测 Signal 与 Session 的送达延迟（Ctrl+L）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Menu</source>
        <translation>菜单</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Show message text in notifications</source>
        <translation>在通知中显示消息内容</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Send read receipts</source>
        <translation>发送已读回执</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Share my ID…</source>
        <translation>分享我的 ID…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Note to Self</source>
        <translation>备忘录</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Stickers…</source>
        <translation>贴纸…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
</context>
<context>
    <name>SignalAccountForm</name>
    <message>
        <location filename="../../qml/accounts/SignalAccountForm.qml" line="+12"/>
        <source>Set up Signal mode</source>
        <translation>设置 Signal 模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your phone number is your account at the relay. People who have your number can write to you; by default they see only your account id.</source>
        <translation>你的手机号码就是你在中继服务器上的账户。知道你号码的人可以给你发消息；默认情况下对方只能看到你的账户 ID。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Phone number, e.g. +4915123456789</source>
        <translation>手机号码，例如 +8613812345678</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phone number</source>
        <translation>手机号码</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Show my number to the people I write to</source>
        <translation>让收到我消息的人看到我的手机号码</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Registration lock PIN (optional, at least 4 characters)</source>
        <translation>注册锁 PIN（可选，至少 4 个字符）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Registration lock PIN</source>
        <translation>注册锁 PIN</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>With a PIN, nobody else who gets your number can register it while you use Tandem.</source>
        <translation>设置 PIN 后，在你使用 Tandem 期间，其他人即使获得你的号码也无法注册它。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The code the relay sent</source>
        <translation>中继服务器发送的验证码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Verification code</source>
        <translation>验证码</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Registering…</source>
        <translation>正在注册…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Register</source>
        <translation>注册</translation>
    </message>
</context>
<context>
    <name>StickerCreatorPage</name>
    <message>
        <location filename="../../qml/stickers/StickerCreatorPage.qml" line="+29"/>
        <source>Choose images for stickers</source>
        <translation>选择贴纸图片</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Images (*.png *.jpg *.jpeg *.webp *.gif)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp *.gif)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stickers</source>
        <translation>贴纸</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Edit pack</source>
        <translation>编辑贴纸包</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>New pack</source>
        <translation>新建贴纸包</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>My stickers</source>
        <translation>我的贴纸</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Author</source>
        <translation>作者</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Add images…</source>
        <translation>添加图片…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>or drop PNG, JPEG, WebP or GIF files here. Each needs one emoji; animated GIF and WebP stay animated.</source>
        <translation>或将 PNG、JPEG、WebP、GIF 文件拖放到这里。每张贴纸需要一个表情符号；动态 GIF 和 WebP 会保留动画。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Drop images here</source>
        <translation>将图片拖放到这里</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Publishing…</source>
        <translation>正在发布…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Publish</source>
        <translation>发布</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Give the pack a title.</source>
        <translation>请为贴纸包填写标题。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Preparing the stickers…</source>
        <translation>正在准备贴纸…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Every sticker needs one emoji.</source>
        <translation>每张贴纸都需要一个表情符号。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Share this link:</source>
        <translation>分享此链接：</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Published to %1</source>
        <translation>已发布到 %1</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Not published to %1</source>
        <translation>未发布到 %1</translation>
    </message>
</context>
<context>
    <name>StickerInstallDialog</name>
    <message>
        <location filename="../../qml/stickers/StickerInstallDialog.qml" line="+34"/>
        <source>Sticker pack</source>
        <translation>贴纸包</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>by %1 · </source>
        <translation>作者 %1 · </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1 sticker</source>
        <translation>1 张贴纸</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 stickers</source>
        <translation>%1 张贴纸</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>In your stickers</source>
        <translation>已在你的贴纸中</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Installing…</source>
        <translation>正在安装…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Install</source>
        <translation>安装</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>StickerPackList</name>
    <message>
        <location filename="../../qml/stickers/StickerPackList.qml" line="+46"/>
        <source>1 sticker</source>
        <translation>1 张贴纸</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 stickers</source>
        <translation>%1 张贴纸</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>New pack</source>
        <translation>新建贴纸包</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>My packs</source>
        <translation>我的贴纸包</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Packs you make show here.</source>
        <translation>你制作的贴纸包会显示在这里。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Built in</source>
        <translation>内置</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Hide</source>
        <translation>隐藏</translation>
    </message>
</context>
<context>
    <name>StickerPackSheet</name>
    <message>
        <location filename="../../qml/stickers/StickerPackSheet.qml" line="+53"/>
        <source>Sticker pack</source>
        <translation>贴纸包</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>by %1</source>
        <translation>作者 %1</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Comes with Tandem</source>
        <translation>Tandem 自带</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>In your stickers</source>
        <translation>已在你的贴纸中</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Adding…</source>
        <translation>正在添加…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add pack</source>
        <translation>添加贴纸包</translation>
    </message>
</context>
<context>
    <name>StickerPicker</name>
    <message>
        <location filename="../../qml/stickers/StickerPicker.qml" line="+94"/>
        <source>Search by emoji</source>
        <translation>按表情符号搜索</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search stickers by emoji</source>
        <translation>按表情符号搜索贴纸</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Recent stickers</source>
        <translation>最近使用的贴纸</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Sticker</source>
        <translation>贴纸</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>No sticker with that emoji.</source>
        <translation>没有与该表情符号匹配的贴纸。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stickers you send show here.</source>
        <translation>你发送过的贴纸会显示在这里。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This pack has no stickers yet.</source>
        <translation>此贴纸包还没有贴纸。</translation>
    </message>
</context>
<context>
    <name>StickerSuggestions</name>
    <message>
        <location filename="../../qml/stickers/StickerSuggestions.qml" line="+43"/>
        <source>Send sticker</source>
        <translation>发送贴纸</translation>
    </message>
</context>
<context>
    <name>StickerTile</name>
    <message>
        <location filename="../../qml/stickers/StickerTile.qml" line="+60"/>
        <source>Emoji</source>
        <translation>表情符号</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Emoji for this sticker</source>
        <translation>此贴纸的表情符号</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Cover</source>
        <translation>封面</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
</context>
<context>
    <name>UnlockPage</name>
    <message>
        <location filename="../../qml/accounts/UnlockPage.qml" line="+25"/>
        <source>Tandem logo</source>
        <translation>Tandem 标志</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Unlock Tandem</source>
        <translation>解锁 Tandem</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+1"/>
        <source>Passphrase</source>
        <translation>密码</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Unlocking with the system keychain…</source>
        <translation>正在使用系统钥匙串解锁…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This profile&apos;s key is kept in the system keychain.</source>
        <translation>此配置文件的密钥保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Unlocking…</source>
        <translation>正在解锁…</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
</context>
<context>
    <name>tandem::gui::AccountSetupFlow</name>
    <message>
        <location filename="../../qml/core/AccountSetupFlow.cpp" line="+78"/>
        <source>That network has no relay.</source>
        <translation>该网络没有中继服务器。</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>The registration was interrupted. Register the number again.</source>
        <translation>注册已中断。请重新注册该号码。</translation>
    </message>
    <message>
        <location line="+55"/>
        <source>Type the words asked for.</source>
        <translation>请输入所要求的单词。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Word %1 is not the one shown. Check what you wrote down.</source>
        <translation>第 %1 个单词与显示的不一致。请检查你抄写的内容。</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+14"/>
        <source>This profile already has a Session ID.</source>
        <translation>此配置文件已有 Session ID。</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>That network has no onion nodes.</source>
        <translation>该网络没有洋葱节点。</translation>
    </message>
</context>
<context>
    <name>tandem::gui::AppCore</name>
    <message>
        <location filename="../../qml/core/AppCore.cpp" line="+31"/>
        <source>Signal mode</source>
        <translation>Signal 模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No Signal-mode account in this profile</source>
        <translation>此配置文件没有 Signal 模式账户</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connected to the relay</source>
        <translation>已连接到中继服务器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New chat: +phone number</source>
        <translation>新聊天：+手机号码</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A phone number in international format, like +4915123456789.</source>
        <translation>国际格式的手机号码，例如 +8613812345678。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Session mode</source>
        <translation>Session 模式</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No Session ID in this profile</source>
        <translation>此配置文件没有 Session ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Connected through an onion path</source>
        <translation>已通过洋葱路径连接</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New chat: Session ID</source>
        <translation>新聊天：Session ID</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A Session ID: 66 characters starting with 05.</source>
        <translation>Session ID：以 05 开头的 66 个字符。</translation>
    </message>
    <message>
        <location line="+228"/>
        <source>Message request</source>
        <translation>消息请求</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Someone new wrote to you.</source>
        <translation>有陌生人给你发来消息。</translation>
    </message>
    <message>
        <location line="+130"/>
        <source>Tandem is restarting its connection; the file was not sent. Send it again in a moment.</source>
        <translation>Tandem 正在重新连接，文件未发送。请稍后再发送。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Only a file on this computer can be sent.</source>
        <translation>只能发送这台电脑上的文件。</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Tandem is restarting its connection; the message was not sent. Send it again in a moment.</source>
        <translation>Tandem 正在重新连接，消息未发送。请稍后再发送。</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>That is you. Use Note to Self.</source>
        <translation>这是你自己。请使用备忘录。</translation>
    </message>
</context>
<context>
    <name>tandem::gui::AttachmentActions</name>
    <message>
        <location filename="../../qml/attachments/AttachmentActions.cpp" line="+24"/>
        <source>Choose a file on this computer to save to.</source>
        <translation>请选择这台电脑上的保存位置。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Tandem does not open files that can run programs. Save it with Save as… if you trust it.</source>
        <translation>Tandem 不会打开可以运行程序的文件。如果你信任它，请用“另存为…”保存。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>There is no private folder to open the file from.</source>
        <translation>没有可用于打开该文件的私有文件夹。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>The file could not be opened: no room for it.</source>
        <translation>无法打开文件：空间不足。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Tandem opens only pictures, sound, video, PDF, text and office documents. Save this file with Save as… if you trust it.</source>
        <translation>Tandem 只打开图片、音频、视频、PDF、文本和办公文档。如果你信任此文件，请用“另存为…”保存。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>No application on this computer opens this file. Save it with Save as… instead.</source>
        <translation>这台电脑上没有能打开此文件的应用。请改用“另存为…”保存。</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Tandem is restarting its connection. Try again in a moment.</source>
        <translation>Tandem 正在重新连接。请稍后重试。</translation>
    </message>
</context>
<context>
    <name>tandem::gui::AttachmentImages</name>
    <message>
        <location filename="../../qml/attachments/AttachmentImages.cpp" line="+68"/>
        <source>The file could not be read; try again.</source>
        <translation>无法读取该文件，请重试。</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Tandem is not connected to its core.</source>
        <translation>Tandem 未连接到其核心。</translation>
    </message>
    <message>
        <location line="+49"/>
        <location line="+22"/>
        <source>The profile is not open.</source>
        <translation>配置文件未打开。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This file is not here any more.</source>
        <translation>此文件已不存在。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This file has no thumbnail.</source>
        <translation>此文件没有缩略图。</translation>
    </message>
    <message>
        <location line="+21"/>
        <location line="+8"/>
        <source>This is not an image Tandem can show.</source>
        <translation>这不是 Tandem 能显示的图片。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This image is too large to show.</source>
        <translation>图片太大，无法显示。</translation>
    </message>
</context>
<context>
    <name>tandem::gui::AttachmentText</name>
    <message>
        <location filename="../../qml/attachments/AttachmentText.cpp" line="+40"/>
        <source>1 byte</source>
        <translation>1 字节</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>%1 bytes</source>
        <translation>%1 字节</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1 of %2 %3</source>
        <translation>%1 / %2 %3</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Uploading %1</source>
        <translation>正在上传 %1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Downloading %1</source>
        <translation>正在下载 %1</translation>
    </message>
</context>
<context>
    <name>tandem::gui::ConversationListModel</name>
    <message>
        <location filename="../../qml/conversations/ConversationListModel.cpp" line="+140"/>
        <source>Note to Self</source>
        <translation>备忘录</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Sticker %1</source>
        <translation>贴纸 %1</translation>
    </message>
</context>
<context>
    <name>tandem::gui::CoreThread</name>
    <message>
        <location filename="../../qml/core/CoreThread.cpp" line="+60"/>
        <source>Sticker %1</source>
        <translation>贴纸 %1</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>A message could not be read: %1</source>
        <translation>有一条消息无法读取：%1</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A message from %1 could not be read: %2</source>
        <translation>来自 %1 的一条消息无法读取：%2</translation>
    </message>
    <message>
        <location line="+119"/>
        <source>probes %1, lost %2</source>
        <translation>探测 %1 次，丢失 %2 次</translation>
    </message>
</context>
<context>
    <name>tandem::gui::DesktopNotifications</name>
    <message>
        <location filename="../../qml/app/DesktopNotifications.cpp" line="+62"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
</context>
<context>
    <name>tandem::gui::LatencyDashboard</name>
    <message>
        <location filename="../../qml/latency/LatencyDashboard.cpp" line="+293"/>
        <source>No file was chosen.</source>
        <translation>未选择文件。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
</context>
<context>
    <name>tandem::gui::LinkReader</name>
    <message>
        <location filename="../../qml/links/LinkReader.cpp" line="+12"/>
        <source>relay %1:%2</source>
        <translation>中继 %1:%2</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>1 onion node</source>
        <translation>1 个洋葱节点</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%1 onion nodes</source>
        <translation>%1 个洋葱节点</translation>
    </message>
</context>
<context>
    <name>tandem::gui::MessageListModel</name>
    <message>
        <location filename="../../qml/chat/MessageListModel.cpp" line="+346"/>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>They</source>
        <translation>对方</translation>
    </message>
</context>
<context>
    <name>tandem::gui::ModeStatus</name>
    <message>
        <location filename="../../qml/core/ModeStatus.cpp" line="+16"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>your swarm</source>
        <translation>你的节点群</translation>
    </message>
</context>
<context>
    <name>tandem::gui::Notifier</name>
    <message>
        <location filename="../../qml/app/Notifier.cpp" line="+120"/>
        <location line="+27"/>
        <source>Tandem</source>
        <translation>Tandem</translation>
    </message>
    <message numerus="yes">
        <location line="-27"/>
        <source>Tandem — %n unread</source>
        <translation>
            <numerusform>Tandem — %n 条未读</numerusform>
        </translation>
    </message>
    <message>
        <location line="+21"/>
        <source>New disappearing message</source>
        <translation>新的限时消息</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>New message</source>
        <translation>新消息</translation>
    </message>
</context>
<context>
    <name>tandem::gui::PassphraseChange</name>
    <message>
        <location filename="../../qml/settings/PassphraseChange.cpp" line="+13"/>
        <source>Choose a passphrase of at least %1 characters.</source>
        <translation>请设置至少 %1 个字符的密码。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The two new passphrases differ.</source>
        <translation>两次输入的新密码不一致。</translation>
    </message>
    <message>
        <location line="+15"/>
        <location line="+20"/>
        <location line="+15"/>
        <source>The profile is not open.</source>
        <translation>配置文件未打开。</translation>
    </message>
    <message>
        <location line="-31"/>
        <location line="+20"/>
        <source>Enter your current passphrase.</source>
        <translation>请输入当前密码。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>That is not this profile&apos;s passphrase. Nothing was changed.</source>
        <translation>这不是此配置文件的密码。未做任何更改。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The system keychain did not answer (is your keyring unlocked?). Nothing was changed.</source>
        <translation>系统钥匙串没有响应（你的密钥环是否已解锁？）。未做任何更改。</translation>
    </message>
</context>
<context>
    <name>tandem::gui::PeopleActions</name>
    <message>
        <location filename="../../qml/contacts/PeopleActions.cpp" line="+49"/>
        <source>Tandem is restarting its connection. Try again in a moment.</source>
        <translation>Tandem 正在重新连接。请稍后重试。</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Choose a picture on this computer.</source>
        <translation>请选择这台电脑上的图片。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The picture is larger than 20 MiB.</source>
        <translation>图片大于 20 MiB。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
</context>
<context>
    <name>tandem::gui::ProfileSession</name>
    <message>
        <location filename="../../qml/core/ProfileSession.cpp" line="+47"/>
        <source>Choose a passphrase of at least %1 characters.</source>
        <translation>请设置至少 %1 个字符的密码。</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The system keychain did not take the new profile&apos;s key. Unlock your keyring (or start its service, such as GNOME Keyring) and try again, or choose a passphrase instead.</source>
        <translation>系统钥匙串未能保存新配置文件的密钥。请解锁你的密钥环（或启动其服务，例如 GNOME Keyring）后重试，或改用密码。</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Enter your passphrase.</source>
        <translation>请输入你的密码。</translation>
    </message>
</context>
<context>
    <name>tandem::gui::StickerCreator</name>
    <message>
        <location filename="../../qml/stickers/StickerCreator.cpp" line="+107"/>
        <source>Sticker %1</source>
        <translation>贴纸 %1</translation>
    </message>
    <message>
        <location line="+42"/>
        <source>Tandem is restarting its connection. Try again in a moment.</source>
        <translation>Tandem 正在重新连接。请稍后重试。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Signal mode</source>
        <translation>Signal 模式</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Session mode</source>
        <translation>Session 模式</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
</context>
<context>
    <name>tandem::gui::StickerDraftModel</name>
    <message>
        <location filename="../../qml/stickers/StickerDraftModel.cpp" line="+43"/>
        <source>A pack holds up to %1 stickers.</source>
        <translation>一个贴纸包最多包含 %1 张贴纸。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Only files on this computer can be added.</source>
        <translation>只能添加这台电脑上的文件。</translation>
    </message>
</context>
<context>
    <name>tandem::gui::StickerInstall</name>
    <message>
        <location filename="../../qml/stickers/StickerInstall.cpp" line="+51"/>
        <source>This is not a sticker pack link: %1</source>
        <translation>这不是贴纸包链接：%1</translation>
    </message>
    <message>
        <location line="+23"/>
        <location line="+28"/>
        <source>Tandem is not connected yet. Try again in a moment.</source>
        <translation>Tandem 尚未连接。请稍后重试。</translation>
    </message>
</context>
<context>
    <name>tandem::gui::StickerPackActions</name>
    <message>
        <location filename="../../qml/stickers/StickerPackActions.cpp" line="+20"/>
        <source>Tandem is restarting its connection. Try again in a moment.</source>
        <translation>Tandem 正在重新连接。请稍后重试。</translation>
    </message>
</context>
</TS>
