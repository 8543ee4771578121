"""Rules applied while reading files and turning YAML into the model."""

from signage.catalogue.rules.registry import ERROR, WARNING, define

UNREADABLE = define(
    "GK-LOAD-001", ERROR, "file", "文件无法读取",
    "文件无法读取：{reason}。",
    "检查文件是否存在、可读，并保存为 UTF-8 编码的 YAML 文本文件。",
)
UNDECODABLE = define(
    "GK-LOAD-002", ERROR, "file", "文件编码无法识别",
    "文件既不是 UTF-8 也不是 GBK/GB18030 编码（第 {offset} 字节起无法解码）。",
    "用文本编辑器打开后“另存为” UTF-8 编码；不要上传 Word、Excel 等二进制文件。",
)
NOT_UTF8 = define(
    "GK-LOAD-003", WARNING, "file", "文件不是 UTF-8 编码",
    "文件按 {encoding} 编码读取。",
    "请将文件另存为 UTF-8 编码，避免在其他设备上出现乱码。",
)
YAML_SYNTAX = define(
    "GK-LOAD-004", ERROR, "file", "YAML 格式错误",
    "YAML 格式错误：{problem}。",
    "检查该行及上一行的缩进、冒号后的空格、引号是否成对；含冒号或 # 的文字请加引号。",
)
TAB_INDENT = define(
    "GK-LOAD-012", ERROR, "file", "缩进使用了制表符",
    "第 {line} 行用制表符（Tab）缩进，YAML 只允许用空格缩进（技术信息：{detail}）。",
    "把该行行首的制表符换成空格（每层两个空格，与上下行对齐）；编辑器可设置“将 Tab 转换为空格”。",
)
DUPLICATE_KEY = define(
    "GK-LOAD-005", ERROR, "file", "字段重复",
    "字段“{key}”重复出现（第一次在第 {first} 行）。",
    "删除重复的“{key}”，只保留一处正确的内容。",
)
BAD_KEY = define(
    "GK-LOAD-006", ERROR, "file", "字段名无效",
    "字段名 {key} 无效。",
    "字段名必须是简单的文字，例如 name、code。",
)
UNKNOWN_FIELD = define(
    "GK-LOAD-007", ERROR, "file", "未知字段",
    "未知字段“{key}”{hint}。",
    "{advice}",
)
WRONG_SHAPE = define(
    "GK-LOAD-008", ERROR, "file", "字段结构错误",
    "“{key}”应为{expected}，实际是{actual}。",
    "按 docs/CONTENT.md 中的示例填写“{key}”：应为{expected}。",
)
TOO_MANY_VALUES = define(
    "GK-LOAD-009", ERROR, "file", "文件内容过多",
    "文件展开后超过 {limit} 个值（可能是 YAML 锚点/别名的循环引用）。",
    "删除 & 和 * 锚点/别名，或将内容拆分为多个文件。",
)
UNIT_FOLDER = define(
    "GK-LOAD-010", ERROR, "unit", "单位目录不完整",
    "{problem}",
    "{advice}",
)
NOT_A_BOOLEAN = define(
    "GK-LOAD-011", ERROR, "file", "是/否取值错误",
    "“{key}”的值“{value}”不是“是”或“否”。",
    "填写 是/否（或 true/false）。",
)
