<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CategoryNameDialog</name>
    <message>
        <source>A category name cannot be empty or contain “/”.</source>
        <translation>分类名称不能为空，也不能包含“/”。</translation>
    </message>
</context>
<context>
    <name>CategoryTree</name>
    <message>
        <source>All phrases</source>
        <translation>全部话术</translation>
    </message>
    <message>
        <source>Favorites</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Recently used</source>
        <translation>最近使用</translation>
    </message>
</context>
<context>
    <name>CheckedEdit</name>
    <message>
        <source>Replace with “{0}”</source>
        <translation>替换为“{0}”</translation>
    </message>
    <message>
        <source>Ignore once</source>
        <translation>忽略一次</translation>
    </message>
    <message>
        <source>Forbidden</source>
        <translation>禁用</translation>
    </message>
    <message>
        <source>Use with care</source>
        <translation>慎用</translation>
    </message>
    <message>
        <source>Tip</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Say instead: {0}</source>
        <translation>建议说：{0}</translation>
    </message>
    <message>
        <source>Right-click or Ctrl+. to fix</source>
        <translation>右键或按 Ctrl+. 修改</translation>
    </message>
</context>
<context>
    <name>CompactMode</name>
    <message>
        <source>Enter: next field  ·  Ctrl+Enter: copy  ·  Esc: back</source>
        <translation>Enter：下一项  ·  Ctrl+Enter：复制  ·  Esc：返回</translation>
    </message>
    <message>
        <source>Search phrases or /shortcut</source>
        <translation>搜索话术或 /快捷编码</translation>
    </message>
    <message>
        <source>No chat window found with room beside it: docked to the right edge instead.</source>
        <translation>没有找到旁边有空位的聊天窗口，已改为停靠在屏幕右边。</translation>
    </message>
</context>
<context>
    <name>Companion</name>
    <message>
        <source>{0} stays active.</source>
        <translation>{0} 仍然有效。</translation>
    </message>
    <message>
        <source>Copied. Huashu could not return to the chat window: paste with {0}.</source>
        <translation>已复制。话术助手无法回到聊天窗口，请按 {0} 粘贴。</translation>
    </message>
    <message>
        <source>Copied: paste with {0}.</source>
        <translation>已复制，请按 {0} 粘贴。</translation>
    </message>
    <message>
        <source>Huashu</source>
        <translation>话术助手</translation>
    </message>
    <message>
        <source>{0} is active: it opens the quick search from any program.</source>
        <translation>{0} 已生效：在任何程序中都能打开快速搜索。</translation>
    </message>
</context>
<context>
    <name>ComposeBox</name>
    <message>
        <source>Compose</source>
        <translation>撰写回复</translation>
    </message>
    <message>
        <source>Type your own reply here; wording customers must not hear is underlined as you type.</source>
        <translation>在这里输入您自己的回复；不能对客户说的词语会在输入时标出波浪线。</translation>
    </message>
    <message>
        <source>Copy  Ctrl+⏎</source>
        <translation>复制  Ctrl+⏎</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>No problems found</source>
        <translation>没有发现问题</translation>
    </message>
    <message>
        <source>{0} forbidden</source>
        <translation>{0} 处禁用语</translation>
    </message>
    <message>
        <source>{0} use with care</source>
        <translation>{0} 处慎用语</translation>
    </message>
    <message>
        <source>{0} tips</source>
        <translation>{0} 处提示</translation>
    </message>
    <message>
        <source>1 tip</source>
        <translation>1 处提示</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Ctrl+. to fix</source>
        <translation>Ctrl+. 修改</translation>
    </message>
    <message>
        <source>Forbidden wording</source>
        <translation>含有禁用语</translation>
    </message>
    <message>
        <source>Your reply still contains {0} forbidden expression(s): {1}</source>
        <translation>您的回复中还有 {0} 处禁用语：{1}</translation>
    </message>
    <message>
        <source>Copy anyway</source>
        <translation>仍然复制</translation>
    </message>
    <message>
        <source>Use the suggested wording (right-click or Ctrl+.), or copy if you are sure.</source>
        <translation>建议改用推荐说法（右键或 Ctrl+.）；确认无误再复制。</translation>
    </message>
</context>
<context>
    <name>FillPanel</name>
    <message>
        <source>Enter: next field, then copy  ·  Ctrl+Enter: copy  ·  Esc: back to the list</source>
        <translation>Enter：下一项，填完即复制  ·  Ctrl+Enter：复制  ·  Esc：返回列表</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Copy  Ctrl+⏎</source>
        <translation>复制  Ctrl+⏎</translation>
    </message>
    <message>
        <source>Enter: next field, then paste  ·  Ctrl+Enter: paste  ·  Esc: back to the list</source>
        <translation>Enter：下一项，填完即粘贴  ·  Ctrl+Enter：粘贴  ·  Esc：返回列表</translation>
    </message>
    <message>
        <source>Paste  Ctrl+⏎</source>
        <translation>粘贴  Ctrl+⏎</translation>
    </message>
    <message>
        <source>Cancel  Esc</source>
        <translation>取消  Esc</translation>
    </message>
    <message>
        <source>Save to my profile  Alt+P</source>
        <translation>保存到个人资料  Alt+P</translation>
    </message>
    <message>
        <source>Fill in: {0}</source>
        <translation>填写：{0}</translation>
    </message>
    <message>
        <source>this conversation</source>
        <translation>本次会话</translation>
    </message>
    <message>
        <source>kept</source>
        <translation>已保留</translation>
    </message>
    <message>
        <source>profile</source>
        <translation>个人资料</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认值</translation>
    </message>
    <message>
        <source>You typed this earlier; it is kept until Huashu quits (Ctrl+N keeps it).</source>
        <translation>这是您之前填写的值，退出话术助手前会一直保留（按 Ctrl+N 也不会清除）。</translation>
    </message>
    <message>
        <source>Saves {0} in Settings › Your profile, so it is filled in from now on.</source>
        <translation>将 {0} 保存到“设置 › 个人资料”，以后会自动填写。</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>Fill in before copying: {0}</source>
        <translation>请先填写：{0}</translation>
    </message>
    <message>
        <source>Fill in before pasting: {0}</source>
        <translation>请先填写：{0}</translation>
    </message>
    <message>
        <source>Forbidden wording</source>
        <translation>含有禁用语</translation>
    </message>
    <message>
        <source>This reply contains {0} forbidden expression(s): {1}</source>
        <translation>这条回复中有 {0} 处禁用语：{1}</translation>
    </message>
    <message>
        <source>Copy anyway</source>
        <translation>仍然复制</translation>
    </message>
    <message>
        <source>Paste anyway</source>
        <translation>仍然粘贴</translation>
    </message>
    <message>
        <source>Customers must not receive these words. Change the values, or copy if you are sure.</source>
        <translation>这些词不能发给客户。请修改填写的内容；确认无误再复制。</translation>
    </message>
</context>
<context>
    <name>ImportFlow</name>
    <message>
        <source>Importing</source>
        <translation>正在导入</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancelling… the library stays as it was</source>
        <translation>正在取消…话术库将保持原样</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message>
        <source>Backing up the library first…</source>
        <translation>正在先备份话术库…</translation>
    </message>
    <message>
        <source>Checking rows: {0} of {1}</source>
        <translation>正在检查：第 {0} / {1} 行</translation>
    </message>
    <message>
        <source>Writing phrases: {0} of {1}</source>
        <translation>正在写入：{0} / {1} 条</translation>
    </message>
    <message>
        <source>Indexing for search: {0} of {1}</source>
        <translation>正在建立搜索索引：{0} / {1} 条</translation>
    </message>
    <message>
        <source>The import had already finished when you cancelled: Ctrl+Z takes it back.</source>
        <translation>取消时导入已经完成：按 Ctrl+Z 可撤销。</translation>
    </message>
    <message>
        <source>Import of {0} cancelled: the library is unchanged</source>
        <translation>已取消导入 {0}，话术库没有改动</translation>
    </message>
    <message>
        <source>This step could not be undone: {0}</source>
        <translation>无法撤销这一步：{0}</translation>
    </message>
</context>
<context>
    <name>ImportReportDialog</name>
    <message>
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message>
        <source>{0} added</source>
        <translation>新增 {0} 条</translation>
    </message>
    <message>
        <source>{0} updated</source>
        <translation>更新 {0} 条</translation>
    </message>
    <message>
        <source>{0} unchanged</source>
        <translation>未变 {0} 条</translation>
    </message>
    <message>
        <source>{0} skipped</source>
        <translation>跳过 {0} 条</translation>
    </message>
    <message>
        <source>Encoding: {0}</source>
        <translation>文件编码：{0}</translation>
    </message>
    <message>
        <source>Columns ignored: {0}</source>
        <translation>未使用的列：{0}</translation>
    </message>
    <message>
        <source>row {0}</source>
        <translation>第 {0} 行</translation>
    </message>
    <message>
        <source>sheet “{0}”</source>
        <translation>工作表“{0}”</translation>
    </message>
    <message>
        <source>sheet “{0}” row {1}</source>
        <translation>工作表“{0}”第 {1} 行</translation>
    </message>
    <message>
        <source>Skipped rows</source>
        <translation>跳过的行</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>提醒</translation>
    </message>
    <message>
        <source>Old-style blanks turned into fields</source>
        <translation>旧式占位符已转换为字段</translation>
    </message>
    <message>
        <source>Phrases overwritten by the sheet</source>
        <translation>被表格覆盖的话术</translation>
    </message>
    <message>
        <source>Edit › Undo (Ctrl+Z) takes this whole import back in one step.</source>
        <translation>编辑 › 撤销（Ctrl+Z）可一步撤销整个导入。</translation>
    </message>
    <message>
        <source>The library as it was before this import is saved as {0}.</source>
        <translation>导入前的话术库已备份为 {0}。</translation>
    </message>
    <message>
        <source>Every row was read without problems.</source>
        <translation>所有行都已顺利读取。</translation>
    </message>
</context>
<context>
    <name>LibraryEditing</name>
    <message>
        <source>This step could not be undone: {0}</source>
        <translation>无法撤销这一步：{0}</translation>
    </message>
    <message>
        <source>My phrases</source>
        <translation>我的话术</translation>
    </message>
    <message>
        <source>Saved “{0}”</source>
        <translation>已保存“{0}”</translation>
    </message>
    <message>
        <source>Starred</source>
        <translation>已收藏</translation>
    </message>
    <message>
        <source>Unstarred</source>
        <translation>已取消收藏</translation>
    </message>
    <message>
        <source>{0} (copy)</source>
        <translation>{0}（副本）</translation>
    </message>
    <message>
        <source>{0} (copy {1})</source>
        <translation>{0}（副本{1}）</translation>
    </message>
    <message>
        <source>Copied to your phrases as “{0}”</source>
        <translation>已复制到个人话术：“{0}”</translation>
    </message>
    <message>
        <source>Team phrases are read-only and cannot be deleted</source>
        <translation>团队话术为只读，不能删除</translation>
    </message>
    <message>
        <source>Deleted “{0}” · Ctrl+Z to undo</source>
        <translation>已删除“{0}” · Ctrl+Z 撤销</translation>
    </message>
    <message>
        <source>Move “{0}” to</source>
        <translation>将“{0}”移动到</translation>
    </message>
    <message>
        <source>Moved to “{0}”</source>
        <translation>已移动到“{0}”</translation>
    </message>
    <message>
        <source>New category</source>
        <translation>新建分类</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Rename category</source>
        <translation>重命名分类</translation>
    </message>
    <message>
        <source>Delete category</source>
        <translation>删除分类</translation>
    </message>
    <message>
        <source>Delete “{0}” and the {1} phrases in it?</source>
        <translation>删除“{0}”及其中的 {1} 条话术？</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>You can undo this with Ctrl+Z.</source>
        <translation>可以按 Ctrl+Z 撤销。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Huashu 话术助手</source>
        <translation>话术助手</translation>
    </message>
    <message>
        <source>Search phrases: keywords, pinyin initials, /shortcut…   ↑↓ move · Enter use · Esc clear</source>
        <translation>搜索话术：关键词、拼音首字母、/快捷编码…   ↑↓ 选择 · Enter 使用 · Esc 清空</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Conversation</source>
        <translation>会话(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Import phrases…</source>
        <translation>导入话术(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Export phrases…</source>
        <translation>导出话术(&amp;E)…</translation>
    </message>
    <message>
        <source>Install &amp;team pack…</source>
        <translation>安装团队话术包(&amp;T)…</translation>
    </message>
    <message>
        <source>Check for team pack &amp;updates</source>
        <translation>检查话术包更新(&amp;U)</translation>
    </message>
    <message>
        <source>Open &amp;data folder</source>
        <translation>打开数据文件夹(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Use selected phrase	Enter</source>
        <translation>使用选中的话术(&amp;U)	Enter</translation>
    </message>
    <message>
        <source>&amp;New phrase…</source>
        <translation>新建话术(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Edit phrase…</source>
        <translation>编辑话术(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Star / unstar</source>
        <translation>收藏 / 取消收藏(&amp;S)</translation>
    </message>
    <message>
        <source>Copy to &amp;my phrases</source>
        <translation>复制到个人话术(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;Delete phrase</source>
        <translation>删除话术(&amp;D)</translation>
    </message>
    <message>
        <source>New &amp;category…</source>
        <translation>新建分类(&amp;C)…</translation>
    </message>
    <message>
        <source>Mo&amp;ve to category…</source>
        <translation>移动到分类(&amp;V)…</translation>
    </message>
    <message>
        <source>Search phrases: keywords, pinyin initials, /shortcut…</source>
        <translation>搜索话术：关键词、拼音首字母、/快捷编码…</translation>
    </message>
    <message>
        <source>New su&amp;bcategory…</source>
        <translation>新建子分类(&amp;B)…</translation>
    </message>
    <message>
        <source>Rename ca&amp;tegory…</source>
        <translation>重命名分类(&amp;T)…</translation>
    </message>
    <message>
        <source>Delete c&amp;ategory…</source>
        <translation>删除分类(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;New conversation (forget typed values)</source>
        <translation>新会话（清除已填写的值）(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>搜索(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Compose a reply</source>
        <translation>撰写回复(&amp;C)</translation>
    </message>
    <message>
        <source>Next &amp;pane</source>
        <translation>下一个区域(&amp;P)</translation>
    </message>
    <message>
        <source>Previous pane</source>
        <translation>上一个区域</translation>
    </message>
    <message>
        <source>Forbidden-phrase &amp;rules…</source>
        <translation>禁用语规则(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>Compact &amp;beside the chat window</source>
        <translation>停靠在聊天窗口旁(&amp;B)</translation>
    </message>
    <message>
        <source>Compact at the &amp;left edge</source>
        <translation>停靠在屏幕左边(&amp;L)</translation>
    </message>
    <message>
        <source>Compact at the righ&amp;t edge</source>
        <translation>停靠在屏幕右边(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;About Huashu</source>
        <translation>关于话术助手(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Undo {0}</source>
        <translation>撤销 {0}(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo {0}</source>
        <translation>重做 {0}(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>All phrases</source>
        <translation>全部话术</translation>
    </message>
    <message>
        <source>{0} · showing the {1} most recently used of {2}; type to search all</source>
        <translation>{0} · 共 {2} 条，显示最近使用的 {1} 条；输入关键词搜索全部</translation>
    </message>
    <message>
        <source>{0} · {1} phrases</source>
        <translation>{0} · {1} 条话术</translation>
    </message>
    <message>
        <source>Nothing found for “{0}”. Try pinyin initials or a /shortcut.</source>
        <translation>没有找到“{0}”。试试拼音首字母或 /快捷编码。</translation>
    </message>
    <message>
        <source>Nothing found for “{0}” in {1}. Try pinyin initials, a /shortcut, or All phrases.</source>
        <translation>在“{1}”中没有找到“{0}”。试试拼音首字母、/快捷编码，或在“全部话术”中搜索。</translation>
    </message>
    <message>
        <source> (best {0} shown)</source>
        <translation>（显示最相关的 {0} 条）</translation>
    </message>
    <message>
        <source>1 result for “{0}” in {1} · Ctrl+1 to use directly</source>
        <translation>在“{1}”中找到 1 条“{0}” · Ctrl+1 直接使用</translation>
    </message>
    <message>
        <source>{0} results for “{1}” in {2}{3} · Ctrl+1…9 to use directly</source>
        <translation>在“{2}”中找到 {0} 条“{1}”{3} · Ctrl+1…9 直接使用</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>New conversation: typed values forgotten</source>
        <translation>新会话：已清除本次填写的值</translation>
    </message>
    <message>
        <source>This conversation: {0}  ·  Ctrl+N new conversation</source>
        <translation>本次会话已记住：{0}  ·  Ctrl+N 新会话</translation>
    </message>
    <message>
        <source>New conversation</source>
        <translation>新会话</translation>
    </message>
    <message>
        <source>{0} phrases · {1} rules · F1 shortcuts</source>
        <translation>{0} 条话术 · {1} 条规则 · F1 查看快捷键</translation>
    </message>
    <message>
        <source>Team pack “{0}” v{1} installed</source>
        <translation>已安装团队话术包“{0}” v{1}</translation>
    </message>
    <message>
        <source>No new team packs</source>
        <translation>没有新的团队话术包</translation>
    </message>
    <message>
        <source>A team pack update is ready: “{0}” v{1}</source>
        <translation>有新的团队话术包：“{0}” v{1}</translation>
    </message>
    <message>
        <source>Install team pack</source>
        <translation>安装团队话术包</translation>
    </message>
    <message>
        <source>Team packs (*.huashu)</source>
        <translation>团队话术包 (*.huashu)</translation>
    </message>
    <message>
        <source>Find and use</source>
        <translation>查找与使用</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>直接输入</translation>
    </message>
    <message>
        <source>Search as you type (keywords, pinyin, /shortcut)</source>
        <translation>边输入边搜索（关键词、拼音、/快捷编码）</translation>
    </message>
    <message>
        <source>Move through the results</source>
        <translation>在结果中移动</translation>
    </message>
    <message>
        <source>Use the selected phrase</source>
        <translation>使用选中的话术</translation>
    </message>
    <message>
        <source>Use the 1st … 9th result</source>
        <translation>使用第 1…9 条结果</translation>
    </message>
    <message>
        <source>Close the fill panel, then clear the search</source>
        <translation>关闭填写面板，再按清空搜索</translation>
    </message>
    <message>
        <source>From any program: quick search that pastes into the chat</source>
        <translation>在任何程序中：快速搜索并粘贴到聊天窗口</translation>
    </message>
    <message>
        <source>Fill in fields</source>
        <translation>填写字段</translation>
    </message>
    <message>
        <source>Next empty field; copy when all are filled</source>
        <translation>跳到下一个空字段；都填好后复制</translation>
    </message>
    <message>
        <source>Copy now</source>
        <translation>立即复制</translation>
    </message>
    <message>
        <source>Next field</source>
        <translation>下一个字段</translation>
    </message>
    <message>
        <source>Back to the list</source>
        <translation>返回列表</translation>
    </message>
    <message>
        <source>Compose</source>
        <translation>撰写</translation>
    </message>
    <message>
        <source>Fix the underlined words at the cursor</source>
        <translation>修改光标处标出的词语</translation>
    </message>
    <message>
        <source>Copy your reply</source>
        <translation>复制您的回复</translation>
    </message>
    <message>
        <source>Edit the library</source>
        <translation>编辑话术库</translation>
    </message>
    <message>
        <source>Save, in the phrase editor</source>
        <translation>保存（在话术编辑窗口中）</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>窗口</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Esc or F1 to close</source>
        <translation>按 Esc 或 F1 关闭</translation>
    </message>
    <message>
        <source>About Huashu</source>
        <translation>关于话术助手</translation>
    </message>
    <message>
        <source>&lt;b&gt;Huashu 话术助手&lt;/b&gt; {0}&lt;br&gt;Reply templates, search and forbidden-phrase checks for customer-service agents.</source>
        <translation>&lt;b&gt;话术助手 Huashu&lt;/b&gt; {0}&lt;br&gt;为客服人员提供话术模板、快速搜索和禁用语检查。</translation>
    </message>
    <message>
        <source>Import phrases</source>
        <translation>导入话术</translation>
    </message>
    <message>
        <source>Spreadsheets (*.csv *.xlsx *.txt *.tsv)</source>
        <translation>表格文件 (*.csv *.xlsx *.txt *.tsv)</translation>
    </message>
    <message>
        <source>A team pack is being installed: open this one when it is done</source>
        <translation>正在安装另一个团队话术包，请完成后再打开这个</translation>
    </message>
    <message>
        <source>Only CSV or Excel (.xlsx) files can be imported</source>
        <translation>只能导入 CSV 或 Excel（.xlsx）文件</translation>
    </message>
    <message>
        <source>Export phrases</source>
        <translation>导出话术</translation>
    </message>
    <message>
        <source>Excel (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 表格 (*.xlsx);;CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Exported {0} phrases to {1}</source>
        <translation>已导出 {0} 条话术到 {1}</translation>
    </message>
    <message>
        <source>One file at a time: importing {0}</source>
        <translation>一次只能导入一个文件：正在导入 {0}</translation>
    </message>
    <message>
        <source>Co&amp;mpact mode (always on top)</source>
        <translation>紧凑模式（窗口置顶）(&amp;M)</translation>
    </message>
</context>
<context>
    <name>MoveDialog</name>
    <message>
        <source>Type to filter categories</source>
        <translation>输入文字筛选分类</translation>
    </message>
</context>
<context>
    <name>PackPreviewDialog</name>
    <message>
        <source>Before:</source>
        <translation>原：</translation>
    </message>
    <message>
        <source>After:</source>
        <translation>新：</translation>
    </message>
    <message>
        <source>Team pack</source>
        <translation>团队话术包</translation>
    </message>
    <message>
        <source>Update “{0}” from v{1} to v{2}</source>
        <translation>更新“{0}”：v{1} → v{2}</translation>
    </message>
    <message>
        <source>Install “{0}” v{1}</source>
        <translation>安装“{0}” v{1}</translation>
    </message>
    <message>
        <source>{0} new · {1} changed · {2} removed · {3} unchanged · publisher {4}</source>
        <translation>新增 {0} · 修改 {1} · 删除 {2} · 未变 {3} · 发布者 {4}</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>更新</translation>
    </message>
    <message>
        <source>Install</source>
        <translation>安装</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>You edited this phrase: your version is kept as a personal phrase.</source>
        <translation>您修改过这条话术：您的版本会保留为个人话术。</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>(a favourite or edited: moves to your personal phrases)</source>
        <translation>（已收藏或修改过：移到个人话术）</translation>
    </message>
    <message>
        <source>Forbidden-phrase rules</source>
        <translation>服务忌语规则</translation>
    </message>
    <message>
        <source>{0} new, {1} changed, {2} removed</source>
        <translation>新增 {0}，修改 {1}，删除 {2}</translation>
    </message>
    <message>
        <source>Search synonyms</source>
        <translation>搜索同义词</translation>
    </message>
    <message>
        <source>Shortcuts that now open the team&apos;s phrase</source>
        <translation>快捷编码改为打开团队话术</translation>
    </message>
    <message>
        <source>“{0}”, kept as your personal phrase, no longer uses it</source>
        <translation>“{0}”已保留为个人话术，不再使用这个快捷编码</translation>
    </message>
    <message>
        <source>Phrases you kept that return to the pack (not duplicated)</source>
        <translation>您保留的话术回到话术包（不会重复）</translation>
    </message>
    <message>
        <source>Shortcuts you already use (the pack&apos;s are left out)</source>
        <translation>您已在使用的快捷编码（话术包中的同名编码不生效）</translation>
    </message>
    <message>
        <source>Nothing changes in your library.</source>
        <translation>您的话术库不会有任何变化。</translation>
    </message>
    <message>
        <source>A backup of your library is taken first. Your personal phrases are never touched.</source>
        <translation>安装前会先备份话术库；您的个人话术不会被改动。</translation>
    </message>
</context>
<context>
    <name>PhraseEditor</name>
    <message>
        <source>Team phrase</source>
        <translation>团队话术</translation>
    </message>
    <message>
        <source>New phrase</source>
        <translation>新建话术</translation>
    </message>
    <message>
        <source>Edit phrase</source>
        <translation>编辑话术</translation>
    </message>
    <message>
        <source>&amp;Title</source>
        <translation>标题(&amp;T)</translation>
    </message>
    <message>
        <source>C&amp;ategory</source>
        <translation>分类(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Shortcut</source>
        <translation>快捷编码(&amp;S)</translation>
    </message>
    <message>
        <source>Ta&amp;gs</source>
        <translation>标签(&amp;G)</translation>
    </message>
    <message>
        <source>Te&amp;xt</source>
        <translation>内容(&amp;X)</translation>
    </message>
    <message>
        <source>&amp;Notes</source>
        <translation>备注(&amp;N)</translation>
    </message>
    <message>
        <source>e.g. /thanks — type it in the search box to find this phrase</source>
        <translation>例如 /xx — 在搜索框输入它即可找到这条话术</translation>
    </message>
    <message>
        <source>separated by ;</source>
        <translation>用分号 ; 分隔</translation>
    </message>
    <message>
        <source>Write [field] where something must be filled in, e.g. [订单号] or [称呼:先生|女士]</source>
        <translation>需要填写的地方写成 [字段]，例如 [订单号] 或 [称呼:先生|女士]</translation>
    </message>
    <message>
        <source>Fields in this phrase</source>
        <translation>这条话术中的字段</translation>
    </message>
    <message>
        <source>This phrase comes from a team pack and is read-only. Copy it to your phrases to change it.</source>
        <translation>这条话术来自团队话术包，为只读。如需修改，请先复制到个人话术。</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Copy to my phrases</source>
        <translation>复制到个人话术</translation>
    </message>
    <message>
        <source>Character {0}: {1}</source>
        <translation>第 {0} 个字符：{1}</translation>
    </message>
    <message>
        <source>Not saved: please fill in the title.</source>
        <translation>尚未保存：请填写标题。</translation>
    </message>
    <message>
        <source>Not saved: please choose or type a category.</source>
        <translation>尚未保存：请选择或输入分类。</translation>
    </message>
    <message>
        <source>Not saved: please write the text of the phrase.</source>
        <translation>尚未保存：请填写话术内容。</translation>
    </message>
    <message>
        <source>Not saved: the “[” at character {0} has no closing “]”. Add “]” after the field name, e.g. [订单号]; for a bracket itself, write “[[”.</source>
        <translation>尚未保存：第 {0} 个字符处的“[”没有配对的“]”。请在字段名后补上“]”，如 [订单号]；如需方括号本身，请写“[[”。</translation>
    </message>
    <message>
        <source>Not saved: the “]” at character {0} has no “[” before it. Delete it; for a bracket itself, write “]]”.</source>
        <translation>尚未保存：第 {0} 个字符处的“]”前面没有“[”。请删除它；如需方括号本身，请写“]]”。</translation>
    </message>
    <message>
        <source>Not saved: character {0}: {1}</source>
        <translation>尚未保存：第 {0} 个字符：{1}</translation>
    </message>
    <message>
        <source> ({0} more problem(s) listed above)</source>
        <translation>（另有 {0} 处问题，见上方列表）</translation>
    </message>
    <message>
        <source>“{0}” → say instead: {1}</source>
        <translation>“{0}” → 建议改为：{1}</translation>
    </message>
    <message>
        <source>Agents copy this phrase to customers as it is. Keep editing to use the suggested wording (right-click or Ctrl+.), or save anyway if it is meant as an example.</source>
        <translation>坐席会把这条话术原样发给客户。请返回修改，改用建议的说法（右键或 Ctrl+.）；如果是有意写的示例，可以仍然保存。</translation>
    </message>
    <message>
        <source>Forbidden wording</source>
        <translation>含有禁用语</translation>
    </message>
    <message>
        <source>This phrase contains {0} forbidden expression(s): {1}</source>
        <translation>这条话术中有 {0} 处禁用语：{1}</translation>
    </message>
    <message>
        <source>Save anyway</source>
        <translation>仍然保存</translation>
    </message>
    <message>
        <source>Keep editing</source>
        <translation>返回修改</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>有未保存的修改</translation>
    </message>
    <message>
        <source>Discard the changes to this phrase?</source>
        <translation>放弃对这条话术的修改吗？</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>放弃修改(&amp;D)</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <source>Use  ⏎</source>
        <translation>使用  ⏎</translation>
    </message>
    <message>
        <source>Fill in and copy this reply (Enter)</source>
        <translation>填写并复制这条回复（Enter）</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit this phrase (F2)</source>
        <translation>编辑这条话术（F2）</translation>
    </message>
    <message>
        <source>Copy to my phrases</source>
        <translation>复制到个人话术</translation>
    </message>
    <message>
        <source>Team phrases are read-only; make your own copy to change it</source>
        <translation>团队话术为只读；复制一份到个人话术后即可修改</translation>
    </message>
    <message>
        <source>Select a phrase to see it here.
Type to search, ↑↓ to move, Enter to use.</source>
        <translation>选中一条话术后在这里预览。
输入即搜索，↑↓ 选择，Enter 使用。</translation>
    </message>
    <message>
        <source>Team phrase (read-only)</source>
        <translation>团队话术（只读）</translation>
    </message>
    <message>
        <source>Note: {0}</source>
        <translation>备注：{0}</translation>
    </message>
    <message>
        <source>Used {0} times</source>
        <translation>已使用 {0} 次</translation>
    </message>
    <message>
        <source>Used once</source>
        <translation>已使用 1 次</translation>
    </message>
    <message>
        <source>Not used yet</source>
        <translation>尚未使用</translation>
    </message>
    <message>
        <source>View</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>Unstar</source>
        <translation>取消收藏</translation>
    </message>
    <message>
        <source>Star</source>
        <translation>收藏</translation>
    </message>
    <message>
        <source>Add to or remove from favorites (Ctrl+D)</source>
        <translation>加入或移出收藏（Ctrl+D）</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QFileSystemModel</name>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
</context>
<context>
    <name>QuickPopup</name>
    <message>
        <source>Huashu quick search</source>
        <translation>话术助手 快速搜索</translation>
    </message>
    <message>
        <source>Enter next field, then paste · Ctrl+Enter paste now · Esc back to the list</source>
        <translation>Enter 下一项，填完即粘贴 · Ctrl+Enter 立即粘贴 · Esc 返回列表</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>Nothing found for “{0}”</source>
        <translation>没有找到“{0}”</translation>
    </message>
    <message>
        <source>Search or /shortcut   Enter paste · Esc close</source>
        <translation>搜索话术或 /快捷编码   Enter 粘贴 · Esc 关闭</translation>
    </message>
    <message>
        <source>{0} phrases</source>
        <translation>{0} 条话术</translation>
    </message>
    <message>
        <source>{0} results</source>
        <translation>{0} 条结果</translation>
    </message>
    <message>
        <source>↑↓ choose · Enter paste into the chat · Ctrl+1…9 · Esc close</source>
        <translation>↑↓ 选择 · Enter 粘贴到聊天窗口 · Ctrl+1…9 · Esc 关闭</translation>
    </message>
</context>
<context>
    <name>ResultsView</name>
    <message>
        <source>{0} phrases</source>
        <translation>{0} 条话术</translation>
    </message>
</context>
<context>
    <name>RulesScreen</name>
    <message>
        <source>Forbidden</source>
        <translation>禁用</translation>
    </message>
    <message>
        <source>Use with care</source>
        <translation>慎用</translation>
    </message>
    <message>
        <source>Tip</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Forbidden-phrase rules</source>
        <translation>禁用语规则</translation>
    </message>
    <message>
        <source>Filter rules by word, category or note</source>
        <translation>按词语、类别或说明筛选规则</translation>
    </message>
    <message>
        <source>New rule</source>
        <translation>新建规则</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>&amp;Words to catch</source>
        <translation>匹配词(&amp;W)</translation>
    </message>
    <message>
        <source>Se&amp;verity</source>
        <translation>级别(&amp;V)</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Say &amp;instead</source>
        <translation>建议说法(&amp;I)</translation>
    </message>
    <message>
        <source>Allowed words</source>
        <translation>允许的词</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Must catch</source>
        <translation>应标出的例句</translation>
    </message>
    <message>
        <source>Must not catch</source>
        <translation>不应标出的例句</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Made from the first word when left empty</source>
        <translation>留空则按第一个匹配词自动生成</translation>
    </message>
    <message>
        <source>The rule&apos;s key in spreadsheets and team packs: an import with the same ID updates this rule.</source>
        <translation>规则在表格和团队话术包中的编号：导入编号相同的规则会更新这一条。</translation>
    </message>
    <message>
        <source>Words are regular expressions</source>
        <translation>匹配词为正则表达式</translation>
    </message>
    <message>
        <source>Check replies with this rule</source>
        <translation>用这条规则检查回复</translation>
    </message>
    <message>
        <source>one per line</source>
        <translation>每行一个</translation>
    </message>
    <message>
        <source>longer words that are fine, e.g. 亲自 for 亲; one per line</source>
        <translation>包含匹配词但可以用的词，例如“亲”规则下的“亲自”；每行一个</translation>
    </message>
    <message>
        <source>Save rule</source>
        <translation>保存规则</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Try a sentence</source>
        <translation>试一试</translation>
    </message>
    <message>
        <source>Type a reply to see which rules catch it</source>
        <translation>输入一句回复，看看哪些规则会标出它</translation>
    </message>
    <message>
        <source>This rule comes from a team pack and cannot be changed here.</source>
        <translation>这条规则来自团队话术包，不能在这里修改。</translation>
    </message>
    <message>
        <source>{0} of {1} rules</source>
        <translation>显示 {0} / {1} 条规则</translation>
    </message>
    <message>
        <source>Add at least one word to catch.</source>
        <translation>请至少填写一个匹配词。</translation>
    </message>
    <message>
        <source>Another rule already uses the ID {0}.</source>
        <translation>编号 {0} 已被另一条规则使用。</translation>
    </message>
    <message>
        <source>Delete rule</source>
        <translation>删除规则</translation>
    </message>
    <message>
        <source>Delete the rule for “{0}”?</source>
        <translation>删除“{0}”的规则？</translation>
    </message>
    <message>
        <source>rule {0}</source>
        <translation>规则{0}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>({0})</source>
        <translation>（{0}）</translation>
    </message>
    <message>
        <source>{0} and {1} more</source>
        <translation>{0}及另外 {1} 个</translation>
    </message>
    <message>
        <source>No rule catches this sentence.</source>
        <translation>没有规则标出这句话。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>&amp;General</source>
        <translation>常规(&amp;G)</translation>
    </message>
    <message>
        <source>&amp;Appearance</source>
        <translation>外观(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Data</source>
        <translation>数据(&amp;D)</translation>
    </message>
    <message>
        <source>Your profile</source>
        <translation>个人资料</translation>
    </message>
    <message>
        <source>Name (名字)</source>
        <translation>名字</translation>
    </message>
    <message>
        <source>Employee ID (工号)</source>
        <translation>工号</translation>
    </message>
    <message>
        <source>Company (公司)</source>
        <translation>公司</translation>
    </message>
    <message>
        <source>Store (门店)</source>
        <translation>门店</translation>
    </message>
    <message>
        <source>Fields such as [名字] and [您的名字/工号] in phrases are filled from here automatically.</source>
        <translation>话术中的 [名字]、[您的名字/工号] 等字段会自动用这里的资料填写。</translation>
    </message>
    <message>
        <source>After copying</source>
        <translation>复制之后</translation>
    </message>
    <message>
        <source>Global hotkey</source>
        <translation>全局快捷键</translation>
    </message>
    <message>
        <source>Keep the window open</source>
        <translation>保持窗口打开</translation>
    </message>
    <message>
        <source>Minimize the window</source>
        <translation>最小化窗口</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>字号</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>系统默认</translation>
    </message>
    <message>
        <source>{0} pt</source>
        <translation>{0} 磅</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Your phrase library is stored in:</source>
        <translation>您的话术库保存在：</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>打开文件夹</translation>
    </message>
    <message>
        <source>Exchange phrases with spreadsheets (CSV or Excel): category, title, text, shortcut, tags, notes.</source>
        <translation>用表格（CSV 或 Excel）交换话术：分类、标题、内容、快捷编码、标签、备注。</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Saved, but the hotkey did not change: {0}</source>
        <translation>已保存，但全局快捷键没有更改：{0}</translation>
    </message>
    <message>
        <source>Beside the chat tool</source>
        <translation>配合聊天工具</translation>
    </message>
    <message>
        <source>Default: {0}</source>
        <translation>默认：{0}</translation>
    </message>
    <message>
        <source>Open the quick search from any program with a global hotkey</source>
        <translation>用全局快捷键在任何程序中打开快速搜索</translation>
    </message>
    <message>
        <source>Paste the reply into the chat window (the clipboard is restored)</source>
        <translation>把回复直接粘贴到聊天窗口（之后恢复剪贴板原内容）</translation>
    </message>
    <message>
        <source>Press the keys in the box to change it. In the popup: type, ↑↓, Enter pastes, Esc closes.</source>
        <translation>在框中按下新的组合键即可更改。快速搜索中：输入、↑↓ 选择、Enter 粘贴、Esc 关闭。</translation>
    </message>
    <message>
        <source>Start Huashu with the system (in the tray)</source>
        <translation>开机自动启动（在托盘中运行）</translation>
    </message>
    <message>
        <source>The global hotkey is turned off when you press OK.</source>
        <translation>按“确定”后将关闭全局快捷键。</translation>
    </message>
    <message>
        <source>{0} takes effect when you press OK; until then {1} still works.</source>
        <translation>按“确定”后 {0} 生效；在此之前 {1} 仍可使用。</translation>
    </message>
    <message>
        <source>{0} takes effect when you press OK.</source>
        <translation>按“确定”后 {0} 生效。</translation>
    </message>
    <message>
        <source>Here the reply is only copied: paste it with {0}.</source>
        <translation>在此系统上回复只会复制，请按 {0} 粘贴。</translation>
    </message>
    <message>
        <source>Starting with the system could not be changed: {0}</source>
        <translation>无法更改开机启动设置：{0}</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Compact mode</source>
        <translation>紧凑模式</translation>
    </message>
    <message>
        <source>Huashu 话术助手</source>
        <translation>话术助手</translation>
    </message>
    <message>
        <source>Pause the hotkey</source>
        <translation>暂停快捷键</translation>
    </message>
    <message>
        <source>Quick search</source>
        <translation>快速搜索</translation>
    </message>
    <message>
        <source>Quick search ({0})</source>
        <translation>快速搜索（{0}）</translation>
    </message>
    <message>
        <source>Quit Huashu</source>
        <translation>退出话术助手</translation>
    </message>
    <message>
        <source>Show Huashu</source>
        <translation>显示话术助手</translation>
    </message>
</context>
<context>
    <name>TrustDialog</name>
    <message>
        <source>Unknown publisher</source>
        <translation>未知的发布者</translation>
    </message>
    <message>
        <source>Pack</source>
        <translation>话术包</translation>
    </message>
    <message>
        <source>Publisher</source>
        <translation>发布者</translation>
    </message>
    <message>
        <source>Key fingerprint</source>
        <translation>公钥指纹</translation>
    </message>
    <message>
        <source>This team pack is signed by a key this library does not trust yet.</source>
        <translation>这个团队话术包的签名公钥尚未被信任。</translation>
    </message>
    <message>
        <source>Compare the fingerprint with the one your team lead gave you. Trust it only if they match: packs from this publisher will then install without asking again.</source>
        <translation>请与组长提供的指纹核对，一致时再信任：之后这个发布者的话术包安装时不再询问。</translation>
    </message>
    <message>
        <source>Trust and continue</source>
        <translation>信任并继续</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Huashu</source>
        <translation>话术助手</translation>
    </message>
    <message>
        <source>{0}

The details were saved to {1}.</source>
        <translation>{0}

详细信息已保存到 {1}。</translation>
    </message>
    <message>
        <source>The phrase library could not be opened.

{0}</source>
        <translation>无法打开话术库。

{0}</translation>
    </message>
    <message>
        <source>The phrase library is damaged and cannot be opened.</source>
        <translation>话术库文件已损坏，无法打开。</translation>
    </message>
    <message>
        <source>{0}

Restore the backup from {1}? The damaged file is kept beside it.</source>
        <translation>{0}

要恢复 {1} 的备份吗？损坏的文件会保留在旁边。</translation>
    </message>
    <message>
        <source>Restore backup</source>
        <translation>恢复备份</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>The phrase library is damaged and there is no good backup.</source>
        <translation>话术库文件已损坏，且没有可用的备份。</translation>
    </message>
    <message>
        <source>{0}

Start again with the default library? The damaged file is kept as {1}.</source>
        <translation>{0}

要用内置话术库重新开始吗？损坏的文件会保留为 {1}。</translation>
    </message>
    <message>
        <source>Start again</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <source>Today&apos;s backup failed: {0}</source>
        <translation>今天的自动备份失败：{0}</translation>
    </message>
    <message>
        <source>Huashu is already running on this library but does not answer. Close it and try again.</source>
        <translation>话术助手已在使用这个话术库，但没有响应。请关闭它后再试。</translation>
    </message>
</context>
<context>
    <name>dialogs</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Huashu</source>
        <translation>话术助手</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>No file manager could be opened here. The folder is:</source>
        <translation>无法在此打开文件管理器。文件夹位置：</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>The title cannot be empty.</source>
        <translation>标题不能为空</translation>
    </message>
    <message>
        <source>The text cannot be empty.</source>
        <translation>内容不能为空</translation>
    </message>
    <message>
        <source>The text contains an invalid character (NUL).</source>
        <translation>内容包含非法字符 NUL</translation>
    </message>
    <message>
        <source>The text contains invalid characters (unpaired surrogates) and was not saved; please type or paste it again.</source>
        <translation>内容包含无效字符（不成对的代理字符），没有保存；请重新输入或粘贴</translation>
    </message>
    <message>
        <source>Placeholder error (character {0}): {1}</source>
        <translation>占位符错误（第 {0} 个字符）: {1}</translation>
    </message>
    <message>
        <source>The shortcut “{0}” cannot be used: a shortcut is “/” followed by letters, digits, Chinese characters or - _ . (e.g. /tk), without spaces and at most {1} characters long.</source>
        <translation>快捷编码“{0}”不能使用：快捷编码由“/”加字母、数字、汉字和 - _ . 组成（例如 /tk），不能包含空格且不超过 {1} 个字符</translation>
    </message>
    <message>
        <source>The shortcut {0} is already used by “{1}”.</source>
        <translation>快捷编码 {0} 已被“{1}”使用</translation>
    </message>
    <message>
        <source>This phrase comes from a team pack and is read-only; copy it to your phrases to change it.</source>
        <translation>团队话术包中的话术为只读，请复制到个人话术后再修改</translation>
    </message>
    <message>
        <source>This phrase comes from a team pack and is read-only; copy it to your phrases to move it.</source>
        <translation>团队话术包中的话术为只读，请复制到个人话术后再移动</translation>
    </message>
    <message>
        <source>This phrase comes from a team pack and is read-only; it cannot be deleted.</source>
        <translation>团队话术包中的话术为只读，不能删除</translation>
    </message>
    <message>
        <source>Phrase {0} no longer exists (it may have been deleted).</source>
        <translation>话术 {0} 已不存在（可能已被删除）</translation>
    </message>
    <message>
        <source>The category cannot be empty.</source>
        <translation>分类不能为空</translation>
    </message>
    <message>
        <source>A category name cannot be empty or contain “/”.</source>
        <translation>分类名称不能为空，也不能包含“/”</translation>
    </message>
    <message>
        <source>There is already a category named “{0}” at this level.</source>
        <translation>同一层级下已有同名分类: {0}</translation>
    </message>
    <message>
        <source>A category cannot be moved into one of its own subcategories.</source>
        <translation>不能把分类移动到它自己的子分类下</translation>
    </message>
    <message>
        <source>There is already a category named “{0}” where it was moved to.</source>
        <translation>目标位置已有同名分类: {0}</translation>
    </message>
    <message>
        <source>The category still holds {0} phrase(s): move them out first, or delete them with it.</source>
        <translation>分类下还有 {0} 条话术，请先移走或一并删除</translation>
    </message>
    <message>
        <source>Category {0} no longer exists (it may have been deleted).</source>
        <translation>分类 {0} 已不存在（可能已被删除）</translation>
    </message>
    <message>
        <source>Invalid profile entry name: {0}</source>
        <translation>资料名称无效: {0}</translation>
    </message>
    <message>
        <source>Rule {0} has no words to match.</source>
        <translation>规则 {0} 没有匹配词</translation>
    </message>
    <message>
        <source>A rule needs at least one word to match.</source>
        <translation>规则至少需要一个匹配词</translation>
    </message>
    <message>
        <source>The rule number {0} is used twice.</source>
        <translation>规则编号重复: {0}</translation>
    </message>
    <message>
        <source>Rule {0} no longer exists (it may have been deleted).</source>
        <translation>规则 {0} 已不存在（可能已被删除）</translation>
    </message>
    <message>
        <source>The phrase library file does not exist: {0}</source>
        <translation>话术库文件不存在: {0}</translation>
    </message>
    <message>
        <source>The phrase library&apos;s folder does not exist (a network drive or USB stick may not be connected): {0}. Connect it and open the library again, or run huashu init to create a new library there.</source>
        <translation>话术库所在的文件夹不存在（网络盘或U盘可能没有连接）: {0}；连接后重新打开，或运行 huashu init 在这里新建话术库</translation>
    </message>
    <message>
        <source>The phrase library file {0} could not be read: {1}</source>
        <translation>无法读取话术库文件 {0}: {1}</translation>
    </message>
    <message>
        <source>This is not a phrase library file (wrong format, or damaged): {0}</source>
        <translation>不是话术库文件（文件格式不对或已损坏）: {0}</translation>
    </message>
    <message>
        <source>The phrase library file {0} could not be opened: {1}</source>
        <translation>无法打开话术库文件 {0}: {1}</translation>
    </message>
    <message>
        <source>The phrase library file is damaged: {0} ({1})</source>
        <translation>话术库文件已损坏: {0}（{1}）</translation>
    </message>
    <message>
        <source>The phrase library file is damaged or cannot be used: {0}</source>
        <translation>话术库文件已损坏或无法使用: {0}</translation>
    </message>
    <message>
        <source>The phrase library file cannot be found (its folder may have been moved, or a network drive disconnected); this change was not saved. You can keep searching and copying; restore the file and open it again ({0}: {1})</source>
        <translation>找不到话术库文件（文件夹可能被移走或网络盘已断开），这次修改未保存；可以继续搜索和复制，请恢复文件后重新打开 ({0}: {1})</translation>
    </message>
    <message>
        <source>The phrase library file was replaced or moved; this change was not saved. Please open Huashu again ({0})</source>
        <translation>话术库文件已被替换或移走，这次修改未保存；请重新打开话术助手 ({0})</translation>
    </message>
    <message>
        <source>The phrase library folder {0} could not be created: {1}</source>
        <translation>无法创建话术库目录 {0}: {1}</translation>
    </message>
    <message>
        <source>The phrase library file {0} could not be created: {1}</source>
        <translation>无法创建话术库文件 {0}: {1}</translation>
    </message>
    <message>
        <source>The phrase library file is read-only, so changes cannot be saved (you can keep searching and copying)</source>
        <translation>话术库文件是只读的，无法保存修改（可以继续搜索和复制）</translation>
    </message>
    <message>
        <source>The phrase library file is read-only and its database needs an upgrade; copy it to a writable place and open it again.</source>
        <translation>话术库文件是只读的，且需要升级数据库版本，请把它复制到可写的位置后再打开</translation>
    </message>
    <message>
        <source>The phrase library is in use by another program (another Huashu or the command line may be saving); please try again in a moment. This change was not saved</source>
        <translation>话术库正被其他程序占用（可能是另一个话术助手或命令行正在保存），请稍后再试；这次修改未保存</translation>
    </message>
    <message>
        <source>The disk is full, so this change was not saved; free some space and try again (searching and copying still work)</source>
        <translation>磁盘空间已满，这次修改未保存；请清理磁盘后重试（搜索和复制不受影响）</translation>
    </message>
    <message>
        <source>The phrase library file could not be read or written (its folder may have been moved, a network drive disconnected, or the disk failed); this change was not saved</source>
        <translation>无法读写话术库文件（文件夹可能被移走、网络盘已断开或磁盘出错），这次修改未保存</translation>
    </message>
    <message>
        <source>WAL mode could not be turned on ({0}); the phrase library may be in a read-only place.</source>
        <translation>无法启用 WAL 模式（{0}），话术库可能位于只读位置</translation>
    </message>
    <message>
        <source>The phrase library could not be backed up before its upgrade ({0}), so to be safe it was not upgraded; the file is unchanged: {1}</source>
        <translation>升级话术库前无法备份（{0}），为安全起见没有升级，文件未改动: {1}</translation>
    </message>
    <message>
        <source>This phrase library was written by a newer version of Huashu (unknown database version: {0}); update Huashu to open it.</source>
        <translation>话术库文件来自更新版本的话术助手（未知的数据库版本: {0}），请升级本程序后再打开。</translation>
    </message>
    <message>
        <source>The phrase library could not be upgraded for this version of Huashu (step {0} failed: {1}).</source>
        <translation>话术库无法升级到本版本的话术助手（步骤 {0} 失败: {1}）</translation>
    </message>
    <message>
        <source>The file {0} could not be read: {1}</source>
        <translation>无法读取文件 {0}: {1}</translation>
    </message>
    <message>
        <source>The file is too large ({0} MB; the limit is {1} MB): {2}</source>
        <translation>文件过大（{0} MB，上限 {1} MB）: {2}</translation>
    </message>
    <message>
        <source>The sheet has too many rows (the limit is {0}).</source>
        <translation>行数过多（上限 {0} 行）</translation>
    </message>
    <message>
        <source>The file is empty: it has no header row.</source>
        <translation>文件是空的，没有表头行</translation>
    </message>
    <message>
        <source>Files of type “{0}” cannot be imported; please use .csv or .xlsx.</source>
        <translation>不支持的文件类型“{0}”，请使用 .csv 或 .xlsx</translation>
    </message>
    <message>
        <source>Files of type “{0}” cannot be exported; please use .csv or .xlsx.</source>
        <translation>不支持的导出类型“{0}”，请使用 .csv 或 .xlsx</translation>
    </message>
    <message>
        <source>Required columns are missing: {0}. The file&apos;s header has: {1}.</source>
        <translation>缺少必需的列: {0}（文件表头: {1}）</translation>
    </message>
    <message>
        <source>The header “{0}” appears twice (it is the same column as “{1}”).</source>
        <translation>表头中“{0}”重复（与“{1}”是同一列）</translation>
    </message>
    <message>
        <source>None of the worksheets ({0}) has the required columns ({1}).</source>
        <translation>没有一个工作表（{0}）有所需的列（{1}）</translation>
    </message>
    <message>
        <source>CSV format error (row {0}): the file ends inside quotes (a quote mark has no partner).</source>
        <translation>CSV 格式错误（第 {0} 行）: 文件在引号内结束（有一个引号没有配对）</translation>
    </message>
    <message>
        <source>CSV format error (row {0}): a closing quote must be followed by a separator (write a quote mark inside a cell as two: &quot;&quot;).</source>
        <translation>CSV 格式错误（第 {0} 行）: 引号后面应是分隔符（单元格里的引号要写成两个 ""）</translation>
    </message>
    <message>
        <source>CSV format error (row {0}): a cell without quotes contains a line break.</source>
        <translation>CSV 格式错误（第 {0} 行）: 未加引号的单元格里有换行</translation>
    </message>
    <message>
        <source>CSV format error (row {0}): the file contains the invalid character NUL.</source>
        <translation>CSV 格式错误（第 {0} 行）: 包含非法字符 NUL</translation>
    </message>
    <message>
        <source>CSV format error (row {0}): the file cannot be read ({1}).</source>
        <translation>CSV 格式错误（第 {0} 行）: 无法解析（{1}）</translation>
    </message>
    <message>
        <source>The file&apos;s encoding is wrong, so none of it was imported: read as {0}, at {1} there are bytes that cannot be read: {2}.</source>
        <translation>文件编码有误，整个文件都没有导入：按 {0} 读取时，{1}有无法识别的字节 {2}。</translation>
    </message>
    <message>
        <source>The file&apos;s encoding is wrong, so none of it was imported: read as {0}, at {1} there is a NUL character 0x00 (it is not a text sheet, or it is UTF-16 without a BOM).</source>
        <translation>文件编码有误，整个文件都没有导入：按 {0} 读取时，{1}有空字符 0x00（不是文本表格，或是不带 BOM 的 UTF-16）。</translation>
    </message>
    <message>
        <source>This is not a valid Excel (.xlsx) file: {0}</source>
        <translation>不是有效的 Excel (.xlsx) 文件: {0}</translation>
    </message>
    <message>
        <source>The Excel file contains a suspicious path and was refused: {0}</source>
        <translation>Excel 文件包含可疑路径，已拒绝: {0}</translation>
    </message>
    <message>
        <source>The Excel file is too large once unpacked (it looks like a zip bomb) and was refused.</source>
        <translation>Excel 文件解压后过大（疑似压缩炸弹），已拒绝</translation>
    </message>
    <message>
        <source>The Excel file could not be read (it may be damaged or cut short): {0}</source>
        <translation>Excel 文件读取失败（可能已损坏或被截断）: {0}</translation>
    </message>
    <message>
        <source>The sheet has too many merged cells (the limit is {0}).</source>
        <translation>合并单元格过多（上限 {0} 个）</translation>
    </message>
    <message>
        <source>The Excel file has no worksheets.</source>
        <translation>Excel 文件没有工作表</translation>
    </message>
    <message>
        <source>The Excel file has no visible worksheets (hidden worksheets are not read).</source>
        <translation>Excel 文件没有可见的工作表（隐藏的工作表不读取）</translation>
    </message>
    <message>
        <source>Hidden worksheet: not read.</source>
        <translation>隐藏的工作表，未读取</translation>
    </message>
    <message>
        <source>It does not have the required columns ({0}): not read.</source>
        <translation>没有所需的列（{0}），未读取</translation>
    </message>
    <message>
        <source>There is no category column: the phrases of this sheet go into the category “{0}” (the worksheet&apos;s name).</source>
        <translation>没有“分类”列，本表的话术归入分类“{0}”（工作表名）</translation>
    </message>
    <message>
        <source>These hidden rows were read too: rows {0} (hidden or filtered out in Excel).</source>
        <translation>以下隐藏的行也已读取: 第 {0} 行（Excel 中被隐藏或筛选掉）</translation>
    </message>
    <message>
        <source>The category is empty, so this row takes the category “{0}” of row {1} (Excel saves a merged category cell as CSV in its first row only).</source>
        <translation>分类为空，本行沿用第 {1} 行的分类“{0}”（Excel 把合并的分类单元格另存为 CSV 时只在第一行写分类）</translation>
    </message>
    <message>
        <source>The category is empty, so rows {0}–{1} take the category “{2}” of row {3} (Excel saves a merged category cell as CSV in its first row only).</source>
        <translation>分类为空，第 {0}–{1} 行沿用第 {3} 行的分类“{2}”（Excel 把合并的分类单元格另存为 CSV 时只在第一行写分类）</translation>
    </message>
    <message>
        <source>The category is empty.</source>
        <translation>分类为空</translation>
    </message>
    <message>
        <source>The title is empty.</source>
        <translation>标题为空</translation>
    </message>
    <message>
        <source>The text is empty.</source>
        <translation>内容为空</translation>
    </message>
    <message>
        <source>The category is empty (it lies in the merged cell {0}, whose content counts for its first row only; unmerge it and fill in every row).</source>
        <translation>分类为空（位于合并单元格 {0} 中，合并单元格的内容只算第一行；请取消合并并逐行填写）</translation>
    </message>
    <message>
        <source>The title is empty (it lies in the merged cell {0}, whose content counts for its first row only; unmerge it and fill in every row).</source>
        <translation>标题为空（位于合并单元格 {0} 中，合并单元格的内容只算第一行；请取消合并并逐行填写）</translation>
    </message>
    <message>
        <source>The text is empty (it lies in the merged cell {0}, whose content counts for its first row only; unmerge it and fill in every row).</source>
        <translation>内容为空（位于合并单元格 {0} 中，合并单元格的内容只算第一行；请取消合并并逐行填写）</translation>
    </message>
    <message>
        <source>A cell is too long ({0}: more than {1} characters).</source>
        <translation>单元格过长（{0} 超过 {1} 字）</translation>
    </message>
    <message>
        <source>A cell contains an invalid character (NUL).</source>
        <translation>单元格包含非法字符 NUL</translation>
    </message>
    <message>
        <source>A cell contains invalid characters (unpaired surrogates).</source>
        <translation>单元格包含无效字符（不成对的代理字符）</translation>
    </message>
    <message>
        <source>The same as {0} (the same title in the same category).</source>
        <translation>与{0}重复（同一分类下同名标题）</translation>
    </message>
    <message>
        <source>The same as {0} (the title differs from “{1}” only in full-width or half-width characters).</source>
        <translation>与{0}重复（标题与“{1}”只差全角/半角写法）</translation>
    </message>
    <message>
        <source>Old-style blanks turned into fields: {0}</source>
        <translation>旧式占位符已转换: {0}</translation>
    </message>
    <message>
        <source>The shortcut “{0}” cannot be used and was left out: a shortcut is “/” followed by letters, digits, Chinese characters or - _ . (e.g. /tk), without spaces and at most {1} characters long.</source>
        <translation>快捷编码“{0}”无法使用，已忽略：快捷编码以“/”开头，后接字母、数字、汉字或 - _ .（如 /tk），不能包含空格，最多 {1} 个字符</translation>
    </message>
    <message>
        <source>The shortcut {0} was changed to {1}.</source>
        <translation>快捷编码 {0} 已改为 {1}</translation>
    </message>
    <message>
        <source>The shortcut {0} is already used by {1}, so it was left out.</source>
        <translation>快捷编码 {0} 已被{1}使用，已忽略</translation>
    </message>
    <message>
        <source>The shortcut {0} is already used by “{1}”, so it was left out.</source>
        <translation>快捷编码 {0} 已被“{1}”使用，已忽略</translation>
    </message>
    <message>
        <source>It differs from the team pack&apos;s phrase of the same title, which is read-only, so it was not imported (to change that phrase, ask your team lead to update the pack; to keep yours as your own phrase, give it another title).</source>
        <translation>与团队话术包中的同名话术内容不同，话术包的话术是只读的，未导入（要改它请让组长更新话术包；要留作自己的话术请换一个标题）</translation>
    </message>
    <message>
        <source>Contains forbidden phrases: {0} (imported; please change it).</source>
        <translation>含服务忌语: {0}（已导入，请修改）</translation>
    </message>
    <message>
        <source>The file does not exist: {0}</source>
        <translation>文件不存在: {0}</translation>
    </message>
    <message>
        <source>This is not a regular file: {0}</source>
        <translation>不是普通文件: {0}</translation>
    </message>
    <message>
        <source>The team pack file {0} is too large ({1} MB; the limit is {2} MB) and was refused.</source>
        <translation>话术包文件 {0} 过大（{1} MB，上限 {2} MB），已拒绝</translation>
    </message>
    <message>
        <source>The team pack file is too large (the limit is {0} MB) and was refused.</source>
        <translation>话术包文件过大（上限 {0} MB），已拒绝</translation>
    </message>
    <message>
        <source>The file is empty; it is not a team pack.</source>
        <translation>文件是空的，不是话术包</translation>
    </message>
    <message>
        <source>This is not a team pack file (its .huashu header is wrong).</source>
        <translation>不是话术包文件（.huashu 文件头不对）</translation>
    </message>
    <message>
        <source>The team pack&apos;s header is incomplete (the file was cut short or damaged).</source>
        <translation>话术包文件头不完整（文件被截断或损坏）</translation>
    </message>
    <message>
        <source>The team pack&apos;s header is damaged.</source>
        <translation>话术包文件头已损坏</translation>
    </message>
    <message>
        <source>The team pack file is damaged (its line endings were converted: it was sent or edited as text); please ask your team lead for the original file again.</source>
        <translation>话术包文件已损坏（换行符被转换，曾被当作文本传输或编辑），请向组长重新获取原文件</translation>
    </message>
    <message>
        <source>The team pack file is damaged (an invisible encoding mark was added at its start: it was sent or edited as text); please ask your team lead for the original file again.</source>
        <translation>话术包文件已损坏（开头被加了不可见的编码标记，曾被当作文本传输或编辑），请向组长重新获取原文件</translation>
    </message>
    <message>
        <source>The team pack file is damaged (its first line is wrong; it may have been changed on the way or by another program); please ask your team lead for the original file again.</source>
        <translation>话术包文件已损坏（文件头不对；可能在传输中或被其他程序修改），请向组长重新获取原文件</translation>
    </message>
    <message>
        <source>The team pack file is damaged ({0} bytes of its content are missing; it may have been changed on the way or by another program); please ask your team lead for the original file again.</source>
        <translation>话术包文件已损坏（内容比文件头记录的少 {0} 字节；可能在传输中或被其他程序修改），请向组长重新获取原文件</translation>
    </message>
    <message>
        <source>The team pack file is damaged ({0} extra bytes at its end; it may have been changed on the way or by another program); please ask your team lead for the original file again.</source>
        <translation>话术包文件已损坏（末尾有多余的 {0} 字节；可能在传输中或被其他程序修改），请向组长重新获取原文件</translation>
    </message>
    <message>
        <source>The signature is not valid, so the team pack was refused: the file is damaged (its content does not match its signature; it may have been changed on the way or by another program). Please ask your team lead for the original file again.</source>
        <translation>签名无效，已拒绝：话术包文件已损坏（内容与签名不符；可能在传输中或被其他程序修改），请向组长重新获取原文件</translation>
    </message>
    <message>
        <source>This is not a valid team pack ({0}); please ask your team lead for the file again.</source>
        <translation>不是有效的话术包（{0}），请向组长重新获取文件</translation>
    </message>
    <message>
        <source>This team pack has format version {0}, newer than this Huashu reads; please update Huashu first.</source>
        <translation>话术包格式版本 {0} 比本程序新，请先升级话术助手</translation>
    </message>
    <message>
        <source>The team pack “{0}” needs Huashu {1} or newer (this is {2}); please update Huashu first.</source>
        <translation>话术包“{0}”需要话术助手 {1} 或更新版本（当前 {2}），请先升级程序</translation>
    </message>
    <message>
        <source>The team pack “{0}” comes from the publisher “{1}”, who is not trusted yet (key fingerprint {2}). Compare the fingerprint with the one your team lead gave you before you trust it.</source>
        <translation>话术包“{0}”来自尚未受信任的发布者“{1}”（公钥指纹 {2}）。请先与组长给出的指纹核对，再决定是否信任。</translation>
    </message>
    <message>
        <source>The key given to trust (fingerprint {0}) is not the key this team pack is signed with (fingerprint {1}), so it was refused.</source>
        <translation>给出的公钥（指纹 {0}）不是这个话术包的签名公钥（指纹 {1}），已拒绝</translation>
    </message>
    <message>
        <source>The installed team pack “{0}” is signed with another key (fingerprint {1}); this file is signed with {2}, so it was refused.</source>
        <translation>已安装的话术包“{0}”由另一个公钥签名（指纹 {1}），这个文件的签名公钥是 {2}，已拒绝</translation>
    </message>
    <message>
        <source>The team pack “{0}” v{1} is already installed; this is not an update.</source>
        <translation>话术包“{0}” v{1} 已经安装，不是更新</translation>
    </message>
    <message>
        <source>The team pack “{0}” v{1} is installed; this file is the older v{2}, not an update, so it was refused.</source>
        <translation>话术包“{0}”已安装 v{1}，这个文件是旧版本 v{2}，不是更新，已拒绝</translation>
    </message>
    <message>
        <source>This team pack is not installed: {0}</source>
        <translation>没有安装这个话术包: {0}</translation>
    </message>
    <message>
        <source>This key is not in the list of trusted keys (fingerprint {0}).</source>
        <translation>信任列表中没有这个公钥（指纹 {0}）</translation>
    </message>
    <message>
        <source>The team pack channel could not be used: {0}</source>
        <translation>话术包渠道无法使用: {0}</translation>
    </message>
    <message>
        <source>The folder {0} could not be read: {1}</source>
        <translation>无法读取文件夹 {0}: {1}</translation>
    </message>
    <message>
        <source>Only https:// addresses can be used (so that packs cannot be changed on the way): {0}</source>
        <translation>只支持 https:// 地址（为了防止被篡改）: {0}</translation>
    </message>
    <message>
        <source>The address cannot contain a user name or password.</source>
        <translation>地址中不能包含用户名或密码</translation>
    </message>
    <message>
        <source>The server answered with error {0}: {1}</source>
        <translation>服务器返回错误 {0}: {1}</translation>
    </message>
    <message>
        <source>Could not connect to {0}: {1}</source>
        <translation>无法连接 {0}: {1}</translation>
    </message>
    <message>
        <source>The download is too large (the limit is {0} bytes) and was refused.</source>
        <translation>下载内容过大（上限 {0} 字节），已拒绝</translation>
    </message>
    <message>
        <source>The update list at {0} is not valid; please tell your team lead.</source>
        <translation>{0} 的更新清单格式不对，请告诉组长</translation>
    </message>
    <message>
        <source>The downloaded team pack does not match the SHA-256 in the update list (it is incomplete or was changed on the way), so it was discarded.</source>
        <translation>下载的话术包与清单中的 SHA-256 不符（文件不完整或被篡改），已丢弃</translation>
    </message>
    <message>
        <source>The channel&apos;s address cannot be empty.</source>
        <translation>渠道地址不能为空</translation>
    </message>
    <message>
        <source>This channel is already added: {0}</source>
        <translation>渠道已存在: {0}</translation>
    </message>
    <message>
        <source>There is no such channel: {0}</source>
        <translation>没有这个渠道: {0}</translation>
    </message>
    <message>
        <source>row {0}, character {1} (line {2} in a text editor, byte {3} of the file)</source>
        <translation>第 {0} 行第 {1} 个字符处（文本编辑器中的第 {2} 行，文件第 {3} 个字节）</translation>
    </message>
    <message>
        <source>row {0}, character {1} (byte {2} of the file)</source>
        <translation>第 {0} 行第 {1} 个字符处（文件第 {2} 个字节）</translation>
    </message>
    <message>
        <source>Supported encodings: UTF-8 (with or without BOM), GB18030 (including GBK and GB2312), UTF-16 (with BOM).</source>
        <translation>支持的编码: UTF-8（带或不带 BOM）、GB18030（含 GBK、GB2312）、UTF-16（带 BOM）。</translation>
    </message>
    <message>
        <source>To fix it: open the file in Excel or Notepad, correct this spot (it usually shows as garbled characters or question marks), then use “Save As” with the file type “CSV UTF-8 (Comma delimited) (*.csv)” and import it again.</source>
        <translation>修正方法: 用 Excel 或记事本打开文件，改正这一处（通常显示为乱码或问号），然后“另存为”，文件类型选“CSV UTF-8（逗号分隔）(*.csv)”，再重新导入。</translation>
    </message>
</context>
<context>
    <name>fill_panel</name>
    <message>
        <source>…and {0} more, underlined in the text</source>
        <translation>……还有 {0} 处，已在文字中用波浪线标出</translation>
    </message>
</context>
<context>
    <name>hotkeys</name>
    <message>
        <source>Global hotkeys are unavailable: {0}</source>
        <translation>全局快捷键不可用：{0}</translation>
    </message>
    <message>
        <source>This platform ({0}) has no global hotkeys.</source>
        <translation>此平台（{0}）不支持全局快捷键。</translation>
    </message>
    <message>
        <source>Type a hotkey such as {0}.</source>
        <translation>请输入快捷键，例如 {0}。</translation>
    </message>
    <message>
        <source>Wayland does not let programs take global hotkeys. Add a custom shortcut in your desktop&apos;s keyboard settings that runs: huashu --toggle</source>
        <translation>Wayland 不允许程序注册全局快捷键。请在桌面的键盘设置中添加一个自定义快捷键，命令为：huashu --toggle</translation>
    </message>
    <message>
        <source>close tab</source>
        <translation>关闭标签页</translation>
    </message>
    <message>
        <source>closing windows</source>
        <translation>关闭窗口</translation>
    </message>
    <message>
        <source>copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>cut</source>
        <translation>剪切</translation>
    </message>
    <message>
        <source>find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>help in most programs</source>
        <translation>大多数程序的帮助</translation>
    </message>
    <message>
        <source>locking the screen</source>
        <translation>锁定屏幕</translation>
    </message>
    <message>
        <source>paste</source>
        <translation>粘贴</translation>
    </message>
    <message>
        <source>redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>select all</source>
        <translation>全选</translation>
    </message>
    <message>
        <source>send in many chat tools</source>
        <translation>许多聊天工具中的发送</translation>
    </message>
    <message>
        <source>showing the desktop</source>
        <translation>显示桌面</translation>
    </message>
    <message>
        <source>switching full/half width</source>
        <translation>切换全角/半角</translation>
    </message>
    <message>
        <source>switching the input method</source>
        <translation>切换输入法</translation>
    </message>
    <message>
        <source>switching windows</source>
        <translation>切换窗口</translation>
    </message>
    <message>
        <source>the file manager</source>
        <translation>打开文件管理器</translation>
    </message>
    <message>
        <source>the run dialog</source>
        <translation>打开“运行”对话框</translation>
    </message>
    <message>
        <source>the start menu</source>
        <translation>打开开始菜单</translation>
    </message>
    <message>
        <source>the system security screen</source>
        <translation>系统安全界面</translation>
    </message>
    <message>
        <source>the window menu</source>
        <translation>打开窗口菜单</translation>
    </message>
    <message>
        <source>undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>{0} could not be registered (error {1}).</source>
        <translation>{0} 注册失败（错误 {1}）。</translation>
    </message>
    <message>
        <source>{0} is Huashu&apos;s own shortcut for “{1}”.</source>
        <translation>{0} 已是话术助手中“{1}”的快捷键。</translation>
    </message>
    <message>
        <source>{0} is already taken by another program; pick another.</source>
        <translation>{0} 已被其他程序占用，请换一个。</translation>
    </message>
    <message>
        <source>{0} is used for {1}; pick another.</source>
        <translation>{0} 用于{1}，请换一个。</translation>
    </message>
    <message>
        <source>{0}: this keyboard has no such key.</source>
        <translation>{0}：当前键盘没有这个键。</translation>
    </message>
    <message>
        <source>“{0}” has more than one key; use modifiers and one key.</source>
        <translation>“{0}”包含多个按键；请用修饰键加一个按键。</translation>
    </message>
    <message>
        <source>“{0}” has no key, only modifiers.</source>
        <translation>“{0}”只有修饰键，缺少按键。</translation>
    </message>
    <message>
        <source>“{0}” is how capital letters are typed; add Ctrl or Alt.</source>
        <translation>“{0}”用于输入大写字母；请加上 Ctrl 或 Alt。</translation>
    </message>
    <message>
        <source>“{0}” is not a key Huashu knows.</source>
        <translation>“{0}”不是可识别的按键。</translation>
    </message>
    <message>
        <source>“{0}” needs Ctrl, Alt or Win: alone it would be taken from every program.</source>
        <translation>“{0}”需要加上 Ctrl、Alt 或 Win：单独使用会让所有程序都无法使用这个键。</translation>
    </message>
</context>
<context>
    <name>i18n</name>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>ops</name>
    <message>
        <source>It no longer exists (it may have been deleted): {0}</source>
        <translation>找不到了（可能已被删除）：{0}</translation>
    </message>
    <message>
        <source>The phrase library is busy in another program. Please try again in a moment.</source>
        <translation>话术库正被其他程序使用，请稍后再试。</translation>
    </message>
    <message>
        <source>The phrase library file could not be used ({0}). Your last change was not saved.</source>
        <translation>话术库文件无法使用（{0}），刚才的修改没有保存。</translation>
    </message>
    <message>
        <source>Permission denied: {0}</source>
        <translation>没有权限：{0}</translation>
    </message>
    <message>
        <source>File not found: {0}</source>
        <translation>找不到文件：{0}</translation>
    </message>
    <message>
        <source>The file could not be read or written: {0}</source>
        <translation>无法读写文件：{0}</translation>
    </message>
    <message>
        <source>Something went wrong ({0}). Please try again; if it keeps happening, tell your team lead.</source>
        <translation>出了点问题（{0}）。请重试；如果一直出现，请告诉您的组长。</translation>
    </message>
</context>
<context>
    <name>placeholders</name>
    <message>
        <source>“[” has no closing “]” (for a bracket itself, write “[[”)</source>
        <translation>“[”没有配对的“]”（如需方括号本身，请写“[[”）</translation>
    </message>
    <message>
        <source>Extra “]” (for a bracket itself, write “]]”)</source>
        <translation>多余的“]”（如需方括号本身，请写“]]”）</translation>
    </message>
    <message>
        <source>Empty field “[]”: write the field’s name between the brackets</source>
        <translation>空字段“[]”，请在方括号中填写字段名</translation>
    </message>
    <message>
        <source>The field has no name</source>
        <translation>字段缺少名称</translation>
    </message>
    <message>
        <source>Field “{0}” has an empty choice</source>
        <translation>字段“{0}”中有空的选项</translation>
    </message>
    <message>
        <source>The field name is longer than {0} characters</source>
        <translation>字段名超过 {0} 个字符</translation>
    </message>
    <message>
        <source>Field name “{0}” cannot contain “|”; choices follow “:”, as in [称呼:先生|女士]</source>
        <translation>字段名“{0}”中不能有“|”；可选项写在“:”后面，如 [称呼:先生|女士]</translation>
    </message>
    <message>
        <source>The default “{1}” of field “{0}” is not one of its choices</source>
        <translation>字段“{0}”的默认值“{1}”不在可选项中</translation>
    </message>
</context>
<context>
    <name>undo</name>
    <message>
        <source>The phrase no longer exists, so this step cannot be undone.</source>
        <translation>这条话术已经不存在，无法撤销这一步。</translation>
    </message>
    <message>
        <source>A phrase with the same title is already in that category.</source>
        <translation>该分类中已有同名的话术。</translation>
    </message>
    <message>
        <source>The phrase could not be restored.</source>
        <translation>无法恢复这条话术。</translation>
    </message>
    <message>
        <source>Add phrase “{0}”</source>
        <translation>新建话术“{0}”</translation>
    </message>
    <message>
        <source>Delete phrase “{0}”</source>
        <translation>删除话术“{0}”</translation>
    </message>
    <message>
        <source>Edit phrase “{0}”</source>
        <translation>编辑话术“{0}”</translation>
    </message>
    <message>
        <source>Star “{0}”</source>
        <translation>收藏“{0}”</translation>
    </message>
    <message>
        <source>Unstar “{0}”</source>
        <translation>取消收藏“{0}”</translation>
    </message>
    <message>
        <source>Move to “{0}”</source>
        <translation>移动到“{0}”</translation>
    </message>
    <message>
        <source>Copy “{0}” to my phrases</source>
        <translation>复制“{0}”到个人话术</translation>
    </message>
    <message>
        <source>Add category “{0}”</source>
        <translation>新建分类“{0}”</translation>
    </message>
    <message>
        <source>Rename category “{0}” to “{1}”</source>
        <translation>将分类“{0}”重命名为“{1}”</translation>
    </message>
    <message>
        <source>Move category “{0}”</source>
        <translation>移动分类“{0}”</translation>
    </message>
    <message>
        <source>Delete category “{0}”</source>
        <translation>删除分类“{0}”</translation>
    </message>
    <message>
        <source>Import “{0}”</source>
        <translation>导入“{0}”</translation>
    </message>
    <message>
        <source>Import of “{0}” undone: {1} phrases removed, {2} put back as they were</source>
        <translation>已撤销导入“{0}”：删除 {1} 条，恢复 {2} 条原样</translation>
    </message>
    <message>
        <source>“{0}” imported again: {1} added, {2} updated</source>
        <translation>已重新导入“{0}”：新增 {1} 条，更新 {2} 条</translation>
    </message>
</context>
</TS>
