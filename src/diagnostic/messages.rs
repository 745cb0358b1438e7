//! The words of every diagnostic, in Chinese and English.
//!
//! This is the one place where problems become sentences. A message says what
//! is wrong, naming keys as the official wrote them; the help says how to fix
//! it, with the corrected text where gongshi can work it out.

use super::{
    ConfigReason, Expected, Note, PiiKind, Problem, Severity, SpecialKind, SymlinkReason, YamlHint,
};
use crate::figure::FigureError;
use crate::i18n::Lang;

impl Severity {
    /// The word for the severity.
    pub fn word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Severity::Error, Lang::Zh) => "错误",
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::Zh) => "警告",
            (Severity::Warning, Lang::En) => "warning",
        }
    }
}

impl Note {
    /// The label's text.
    pub fn text(&self, lang: Lang) -> String {
        match (self, lang) {
            (Note::Part { label, value }, Lang::Zh) => format!("分项“{label}”：{value}"),
            (Note::Part { label, value }, Lang::En) => format!("part “{label}”: {value}"),
            (Note::Count { label, value }, Lang::Zh) => format!("计算所用的“{label}”：{value}"),
            (Note::Count { label, value }, Lang::En) => {
                format!("“{label}” it is computed from: {value}")
            }
            (Note::FirstHere, Lang::Zh) => "第一次出现在这里".to_string(),
            (Note::FirstHere, Lang::En) => "first defined here".to_string(),
        }
    }
}

fn expected_word(e: Expected, lang: Lang) -> &'static str {
    match (e, lang) {
        (Expected::Text, Lang::Zh) => "文字",
        (Expected::Text, Lang::En) => "text",
        (Expected::Integer, Lang::Zh) => "整数",
        (Expected::Integer, Lang::En) => "a whole number",
        (Expected::Date, Lang::Zh) => "日期（如 2025-12-08）",
        (Expected::Date, Lang::En) => "a date (like 2025-12-08)",
        (Expected::List, Lang::Zh) => "列表（每项以“- ”开头）",
        (Expected::List, Lang::En) => "a list (items starting with “- ”)",
        (Expected::Mapping, Lang::Zh) => "“键: 值”形式的一组条目",
        (Expected::Mapping, Lang::En) => "a set of “key: value” entries",
        (Expected::Figure, Lang::Zh) => "数字（可写 1100余、约15.7万、无相关职责）",
        (Expected::Figure, Lang::En) => "a number (1100+, ~157000 and n/a are also accepted)",
        (Expected::Year, Lang::Zh) => "四位年份（如 2025）",
        (Expected::Year, Lang::En) => "a four-digit year (like 2025)",
        (Expected::Bool, Lang::Zh) => "true 或 false",
        (Expected::Bool, Lang::En) => "true or false",
    }
}

fn mb(bytes: u64) -> String {
    // One decimal place, computed in integers.
    let tenths = bytes.saturating_mul(10) / (1024 * 1024);
    format!("{}.{}", tenths / 10, tenths % 10)
}

fn did_you_mean(s: &Option<String>, lang: Lang) -> Option<String> {
    s.as_ref().map(|s| match lang {
        Lang::Zh => format!("是不是想写“{s}”？"),
        Lang::En => format!("did you mean “{s}”?"),
    })
}

impl Problem {
    /// What is wrong, in one sentence.
    pub fn message(&self, lang: Lang) -> String {
        use Lang::{En, Zh};
        match (self, lang) {
            (Problem::ConfigMissing, Zh) => "找不到站点配置文件 gongshi.yaml".into(),
            (Problem::ConfigMissing, En) => "the site has no gongshi.yaml".into(),
            (Problem::ContentMissing, Zh) => "站点目录中没有 content/ 文件夹".into(),
            (Problem::ContentMissing, En) => "the site has no content/ folder".into(),
            (Problem::Io { error }, Zh) => format!("无法读取：{error}"),
            (Problem::Io { error }, En) => format!("cannot be read: {error}"),
            (Problem::LegacyEncoding { encoding }, Zh) => {
                format!("文件不是 UTF-8 编码，已按 {encoding} 编码读取")
            }
            (Problem::LegacyEncoding { encoding }, En) => {
                format!("the file is not UTF-8; it was read as {encoding}")
            }
            (Problem::NotText, Zh) => "文件既不是 UTF-8 也不是 GBK/GB18030 文本，无法读取".into(),
            (Problem::NotText, En) => "the file is neither UTF-8 nor GBK/GB18030 text".into(),
            (Problem::BinaryFile, Zh) => "这不是文本文件（含有二进制数据），不能作为报告读取".into(),
            (Problem::BinaryFile, En) => "this is not a text file (it contains binary data)".into(),
            (Problem::FileTooLarge { bytes, limit }, Zh) => {
                format!("文件过大（{} MB），文字文件不能超过 {} MB", mb(*bytes), mb(*limit))
            }
            (Problem::FileTooLarge { bytes, limit }, En) => {
                format!("the file is too large ({} MB); text files may be at most {} MB", mb(*bytes), mb(*limit))
            }
            (Problem::EmptyFile, Zh) => "文件是空的".into(),
            (Problem::EmptyFile, En) => "the file is empty".into(),
            (Problem::SpecialFile { kind }, Zh) => format!(
                "这不是普通文件，而是{}，gongshi 拒绝读取",
                match kind {
                    SpecialKind::Fifo => "命名管道（FIFO）",
                    SpecialKind::Device => "设备文件",
                    SpecialKind::Socket => "套接字（socket）",
                    SpecialKind::Other => "特殊文件",
                }
            ),
            (Problem::SpecialFile { kind }, En) => format!(
                "this is not a regular file but {}; gongshi refuses to read it",
                match kind {
                    SpecialKind::Fifo => "a named pipe (FIFO)",
                    SpecialKind::Device => "a device",
                    SpecialKind::Socket => "a socket",
                    SpecialKind::Other => "a special file",
                }
            ),
            (Problem::StrayFile { .. }, Zh) => "content/ 里不应有这个文件：它既不是乡镇简介（_index.md），也不是年度报告（<年份>.md）".into(),
            (Problem::StrayFile { .. }, En) => "this file does not belong in content/: it is neither a township profile (_index.md) nor an annual report (<year>.md)".into(),
            (Problem::BadSlug { name, .. }, Zh) => {
                format!("乡镇文件夹名“{name}”不可用：只能用小写字母、数字和连字符（-）")
            }
            (Problem::BadSlug { name, .. }, En) => {
                format!("the township folder name “{name}” is not allowed: use lowercase letters, digits and hyphens only")
            }
            (Problem::ReservedSlug { name }, Zh) => {
                format!("乡镇文件夹名“{name}”与网站自带的目录重名")
            }
            (Problem::ReservedSlug { name }, En) => {
                format!("the township folder name “{name}” is used by the site itself")
            }
            (Problem::NonUtf8Name { lossy }, Zh) => format!("文件名“{lossy}”不是 UTF-8 编码"),
            (Problem::NonUtf8Name { lossy }, En) => format!("the name “{lossy}” is not valid UTF-8"),
            (Problem::Symlink { reason }, Zh) => match reason {
                SymlinkReason::Loop => "符号链接形成了循环".into(),
                SymlinkReason::Outside => "符号链接指向站点目录之外，已拒绝".into(),
                SymlinkReason::Folder => "符号链接指向一个文件夹，gongshi 不跟随文件夹链接".into(),
            },
            (Problem::Symlink { reason }, En) => match reason {
                SymlinkReason::Loop => "this symbolic link forms a loop".into(),
                SymlinkReason::Outside => "this symbolic link points outside the site and is refused".into(),
                SymlinkReason::Folder => "this symbolic link points to a folder; gongshi does not follow linked folders".into(),
            },
            (Problem::UrlCollision { url, other }, Zh) => {
                format!("与 {other} 生成同一个输出文件 {url}")
            }
            (Problem::UrlCollision { url, other }, En) => {
                format!("produces the same output file {url} as {other}")
            }
            (Problem::FrontMatterMissing, Zh) => "文件开头没有信息区：标题、年份、数字等要写在文件最前面的两行 --- 之间".into(),
            (Problem::FrontMatterMissing, En) => "the file does not start with a front-matter block between --- lines".into(),
            (Problem::FrontMatterNotAtStart, Zh) => "开头信息区（两行 --- 之间的部分）必须从文件第一行开始，但它前面还有内容".into(),
            (Problem::FrontMatterNotAtStart, En) => "the front matter (--- block) must be at the very start of the file, but something comes before it".into(),
            (Problem::FrontMatterUnclosed { before_line: Some(_) }, Zh) => {
                "开头信息区（标题、年份、数字等）以 --- 开始，却没有用 --- 结束：正文从这一行开始".into()
            }
            (Problem::FrontMatterUnclosed { before_line: None }, Zh) => {
                "开头信息区（标题、年份、数字等）以 --- 开始，却没有用 --- 结束".into()
            }
            (Problem::FrontMatterUnclosed { before_line: Some(_) }, En) => {
                "the front matter starts with --- but has no closing --- line: the text begins on this line".into()
            }
            (Problem::FrontMatterUnclosed { before_line: None }, En) => {
                "the front matter starts with --- but has no closing --- line".into()
            }
            // The reader's own words (`detail`) are English: shown to
            // English sites only, never to Chinese ones.
            (Problem::YamlSyntax { hint, .. }, Zh) => match hint {
                YamlHint::Tab => "这一行的缩进里有 Tab 制表符".into(),
                YamlHint::FullWidthSpace => "这一行的缩进里有全角空格“　”".into(),
                YamlHint::FullWidthColon { key, .. } => format!("“{key}”后面用了全角冒号“：”，这里要用英文冒号“:”"),
                YamlHint::UnclosedQuote => "引号没有闭合".into(),
                YamlHint::TextAfterQuote => "引号结束之后还有文字".into(),
                YamlHint::BadEscape => "双引号里的反斜杠“\\”后面跟了无法识别的字符".into(),
                YamlHint::UnclosedBracket => "括号没有闭合或没有配对".into(),
                YamlHint::Indentation => "缩进不对齐，或这一行缺少“键: 值”中的冒号".into(),
                YamlHint::Reserved(c) => format!("值不能以“{c}”开头"),
                YamlHint::Alias => "值不能以“*”开头".into(),
                YamlHint::Other => "这一行的写法无法识别（YAML 格式错误）".into(),
            },
            (Problem::YamlSyntax { hint, detail }, En) => match hint {
                YamlHint::Tab => "a tab character is used for indentation on this line".into(),
                YamlHint::FullWidthSpace => "a full-width space “　” is used for indentation on this line".into(),
                YamlHint::FullWidthColon { key, .. } => format!("“{key}” is followed by a full-width colon “：” where YAML needs “:”"),
                YamlHint::UnclosedQuote => "a quote is not closed".into(),
                YamlHint::TextAfterQuote => "there is text after the closing quote".into(),
                YamlHint::BadEscape => "a backslash “\\” in double quotes is followed by a character YAML does not know".into(),
                YamlHint::UnclosedBracket => "a bracket is not closed or not matched".into(),
                YamlHint::Indentation => "the indentation does not line up, or the line lacks the colon of “key: value”".into(),
                YamlHint::Reserved(c) => format!("a value cannot start with “{c}”"),
                YamlHint::Alias => "a value cannot start with “*”".into(),
                YamlHint::Other => format!("malformed YAML: {detail}"),
            },
            (Problem::DuplicateKey { key }, Zh) => format!("键“{key}”重复出现"),
            (Problem::DuplicateKey { key }, En) => format!("the key “{key}” appears twice"),
            (Problem::YamlLimit { .. }, Zh) => "YAML 嵌套过深或别名展开过多，拒绝读取".into(),
            (Problem::YamlLimit { .. }, En) => "the YAML nests too deep or expands too many aliases; refused".into(),
            (Problem::UnknownKey { key, section, .. }, Zh) => {
                if section.is_empty() {
                    format!("未知的键“{key}”")
                } else {
                    format!("“{section}”中有未知的键“{key}”")
                }
            }
            (Problem::UnknownKey { key, section, .. }, En) => {
                if section.is_empty() {
                    format!("unknown key “{key}”")
                } else {
                    format!("unknown key “{key}” in “{section}”")
                }
            }
            (Problem::UnknownMetric { key, by_label: true, .. }, Zh) => {
                format!("“{key}”是指标的中文名称，这里要写指标的英文键")
            }
            (Problem::UnknownMetric { key, by_label: true, .. }, En) => {
                format!("“{key}” is a metric's label; the key goes here")
            }
            (Problem::UnknownMetric { key, .. }, Zh) => format!("未知的指标“{key}”"),
            (Problem::UnknownMetric { key, .. }, En) => format!("unknown metric “{key}”"),
            (Problem::UnknownGroup { group, .. }, Zh) => format!("未知的指标分组“{group}”"),
            (Problem::UnknownGroup { group, .. }, En) => format!("unknown group “{group}”"),
            (Problem::MissingField { key }, Zh) => format!("缺少必填项“{key}”"),
            (Problem::MissingField { key }, En) => format!("the required field “{key}” is missing"),
            (Problem::MissingMetric { key, label }, Zh) => {
                format!("本站要求填报的指标“{key}”（{label}）没有填写")
            }
            (Problem::MissingMetric { key, label }, En) => {
                format!("the metric “{key}” ({label}) is required on this site but missing")
            }
            (Problem::WrongType { key, expected }, Zh) => {
                let word = expected_word(*expected, lang);
                let space = if word.starts_with(|c: char| c.is_ascii()) { " " } else { "" };
                format!("“{key}”应为{space}{word}")
            }
            (Problem::WrongType { key, expected }, En) => {
                format!("“{key}” should be {}", expected_word(*expected, lang))
            }
            (Problem::NullValue { key, .. }, Zh) => format!("“{key}”的值是空的（null）"),
            (Problem::NullValue { key, .. }, En) => format!("“{key}” has an empty (null) value"),
            (Problem::BadFigure { key, label, error }, _) => figure_message(key, label, error, lang),
            (Problem::TotalMismatch { key, label, stated, computed, .. }, Zh) => {
                format!("“{key}”（{label}）填写为 {stated}，但各分项相加为 {computed}")
            }
            (Problem::TotalMismatch { key, label, stated, computed, .. }, En) => {
                format!("“{key}” ({label}) is stated as {stated} but its parts add up to {computed}")
            }
            (Problem::NotApplicableConflict { key, label, total_not_applicable: true }, Zh) => {
                format!("“{key}”（{label}）写的是“无相关职责”，但它的分项填写了数字")
            }
            (Problem::NotApplicableConflict { key, label, total_not_applicable: true }, En) => {
                format!("“{key}” ({label}) says n/a (no such power), but its parts state figures")
            }
            (Problem::NotApplicableConflict { key, label, total_not_applicable: false }, Zh) => {
                format!("“{key}”（{label}）填写了数字，但它的分项都写的是“无相关职责”")
            }
            (Problem::NotApplicableConflict { key, label, total_not_applicable: false }, En) => {
                format!("“{key}” ({label}) states a figure, but all its parts say n/a (no such power)")
            }
            (Problem::RateMismatch { key, label, stated, computed }, Zh) => {
                format!("“{key}”（{label}）填写为 {stated}，但按填写的人数计算是 {computed}")
            }
            (Problem::RateMismatch { key, label, stated, computed }, En) => {
                format!("“{key}” ({label}) is stated as {stated}, but its counts give {computed}")
            }
            (Problem::SumTooLarge { key, label, year: Some(year), parts }, Zh) => {
                format!("{year}年度“{key}”（{label}）的合计超出可计算的范围：{}", parts.join("；"))
            }
            (Problem::SumTooLarge { key, label, year: Some(year), parts }, En) => {
                format!("the {year} total of “{key}” ({label}) is too large to compute: {}", parts.join("; "))
            }
            (Problem::SumTooLarge { key, label, year: None, parts }, Zh) => {
                format!("“{key}”（{label}）的各分项相加超出可计算的范围：{}", parts.join("；"))
            }
            (Problem::SumTooLarge { key, label, year: None, parts }, En) => {
                format!("the parts of “{key}” ({label}) add up to more than gongshi can compute: {}", parts.join("; "))
            }
            (Problem::InvalidDate { key, text, rewrite: Some(_) }, Zh) => {
                format!("“{key}”的日期“{text}”要写成“年-月-日”格式 YYYY-MM-DD，月和日都写两位")
            }
            (Problem::InvalidDate { key, text, rewrite: Some(_) }, En) => {
                format!("the date “{text}” in “{key}” must be written YYYY-MM-DD, with two-digit month and day")
            }
            (Problem::InvalidDate { key, text, rewrite: None }, Zh) => format!("“{key}”的日期“{text}”不存在或格式不对"),
            (Problem::InvalidDate { key, text, rewrite: None }, En) => {
                format!("the date “{text}” in “{key}” is not a real date or not written YYYY-MM-DD")
            }
            (Problem::PublishedTooEarly { published, earliest, period_end }, Zh) => {
                if *period_end {
                    format!("发布日期 {published} 早于统计截止日 {earliest}")
                } else {
                    format!("发布日期 {published} 早于报告年度的开始（{earliest}）")
                }
            }
            (Problem::PublishedTooEarly { published, earliest, period_end }, En) => {
                if *period_end {
                    format!("the publication date {published} is before the period end {earliest}")
                } else {
                    format!("the publication date {published} is before the report's year began ({earliest})")
                }
            }
            (Problem::DateAfterStatusDate { key, date, as_of }, Zh) => {
                format!("“{key}”的日期 {date} 晚于状态日期 {as_of}：报告里的日期不能在将来")
            }
            (Problem::DateAfterStatusDate { key, date, as_of }, En) => {
                format!("the date {date} in “{key}” is after the status date {as_of}: a report cannot be dated in the future")
            }
            (Problem::LatePublication { published, deadline }, Zh) => {
                format!("逾期公开：{published} 发布，晚于截止日期 {deadline}")
            }
            (Problem::LatePublication { published, deadline }, En) => {
                format!("published late: on {published}, after the deadline of {deadline}")
            }
            (Problem::EmptyReport { .. }, Zh) => "这份报告既没有数字，也没有正文".into(),
            (Problem::EmptyReport { .. }, En) => "this report has neither figures nor text".into(),
            (Problem::MissingPublicationDate, Zh) => "报告没有写明发布日期（published）".into(),
            (Problem::MissingPublicationDate, En) => "the report does not state its publication date (published)".into(),
            (Problem::RevisionRecord { updated }, Zh) => {
                format!("写了更新日期 {updated}，但修订记录（revisions）里没有对应的条目")
            }
            (Problem::RevisionRecord { updated }, En) => {
                format!("the report says it was updated on {updated} but no revision entry explains it")
            }
            (Problem::YearMismatch { file_year, front_year }, Zh) => {
                format!("文件名中的年份是 {file_year}，文件开头写的 year 却是 {front_year}")
            }
            (Problem::YearMismatch { file_year, front_year }, En) => {
                format!("the file name says {file_year} but the front matter says year: {front_year}")
            }
            (Problem::DuplicateTownship { name, other }, Zh) => {
                format!("乡镇“{name}”重复：{other} 也使用这个名称")
            }
            (Problem::DuplicateTownship { name, other }, En) => {
                format!("the township “{name}” is defined twice: {other} uses the same name")
            }
            (Problem::MissingTownshipIndex { township }, Zh) => {
                format!("乡镇文件夹 {township}/ 缺少简介文件 _index.md")
            }
            (Problem::MissingTownshipIndex { township }, En) => {
                format!("the township folder {township}/ has no profile _index.md")
            }
            (Problem::InvalidCoverage { from, until }, Zh) => {
                format!("covered_until（{until}）早于 covered_from（{from}）")
            }
            (Problem::InvalidCoverage { from, until }, En) => {
                format!("covered_until ({until}) is before covered_from ({from})")
            }
            (Problem::CoverageUnknown { name }, Zh) => {
                format!("“{name}”还没有任何报告，也没有写明本站从哪一年起收录它的报告，网站无法判断它是否逾期未公开")
            }
            (Problem::CoverageUnknown { name }, En) => {
                format!("“{name}” has no report yet and does not say from which year this site holds its reports, so the site cannot tell whether any is missing")
            }
            (Problem::UnknownDistrict { district, .. }, Zh) => {
                format!("所属区“{district}”不在站点配置的 districts 列表中")
            }
            (Problem::UnknownDistrict { district, .. }, En) => {
                format!("the district “{district}” is not one of the site's districts")
            }
            (Problem::InvalidConfig { key, reason }, _) => config_message(key, reason, lang),
            (Problem::ControlCharacter { field, code_point }, Zh) => match field {
                Some(f) => format!("“{f}”里有不可见的控制字符 U+{code_point:04X}，网页和订阅源无法正确显示"),
                None => format!("正文里有不可见的控制字符 U+{code_point:04X}，网页和订阅源无法正确显示"),
            },
            (Problem::ControlCharacter { field, code_point }, En) => match field {
                Some(f) => format!("“{f}” contains the invisible control character U+{code_point:04X}, which pages and the feed cannot show"),
                None => format!("the text contains the invisible control character U+{code_point:04X}, which pages and the feed cannot show"),
            },
            (Problem::SourceChanged, Zh) => "构建过程中文件被修改了".into(),
            (Problem::SourceChanged, En) => "the file changed while the site was being built".into(),
            (Problem::Template { template, detail }, Zh) if template.ends_with(".yaml") => format!("主题文件 {template} 有误：{detail}"),
            (Problem::Template { template, detail }, En) if template.ends_with(".yaml") => format!("the theme file {template} is not valid: {detail}"),
            (Problem::Template { template, detail }, Zh) => format!("模板 {template} 出错：{detail}"),
            (Problem::Template { template, detail }, En) => format!("the template {template} failed: {detail}"),
            (Problem::ImportUnreadable { format, detail }, Zh) => {
                format!("无法读取这个 {format} 文件：文件已损坏或不是它的扩展名所说的格式（{detail}）")
            }
            (Problem::ImportUnreadable { format, detail }, En) => {
                format!("this {format} file cannot be read: it is damaged or not what its name says ({detail})")
            }
            (Problem::ImportUnsupported { kind }, Zh) => format!("不能导入 .{kind} 文件"),
            (Problem::ImportUnsupported { kind }, En) => format!("gongshi import does not read .{kind} files"),
            (Problem::ImportScanned { pages }, Zh) => {
                format!("这是扫描件：PDF 共 {pages} 页，没有可提取的文字层（gongshi 不做文字识别）")
            }
            (Problem::ImportScanned { pages }, En) => {
                format!("this is a scan: the PDF has {pages} pages and no text layer to extract (gongshi does no OCR)")
            }
            (Problem::ImportEncrypted, Zh) => "PDF 设有打开密码，无法读取文字".into(),
            (Problem::ImportEncrypted, En) => "the PDF needs a password to open; its text cannot be read".into(),
            (Problem::ImportPdfNoUnicode, Zh) => "PDF 的字体没有字符映射，提取出的文字不是中文，无法使用".into(),
            (Problem::ImportPdfNoUnicode, En) => "the PDF's fonts carry no character map: its text does not decode to Chinese".into(),
            (Problem::ImportNoText, Zh) => "文件中没有文字".into(),
            (Problem::ImportNoText, En) => "the document has no text".into(),
            (Problem::ImportNoYear, Zh) => "无法从标题或正文中确定报告年度".into(),
            (Problem::ImportNoYear, En) => "the report year cannot be found in the title or the text".into(),
            (Problem::ImportNoTownship, Zh) => "无法从标题或落款中确定乡镇名称".into(),
            (Problem::ImportNoTownship, En) => "the township cannot be found in the title or the signature".into(),
            (Problem::ImportExists { path }, Zh) => format!("{path} 已存在，不会覆盖"),
            (Problem::ImportExists { path }, En) => format!("{path} already exists; not overwriting it"),
            (Problem::PersonalData { kind, .. }, Zh) => match kind {
                PiiKind::IdNumber => "发现未打码的身份证号码".into(),
                PiiKind::Mobile => "发现未打码的手机号码".into(),
                PiiKind::BankCard => "发现未打码的银行卡号".into(),
                PiiKind::LikelyIdNumber => "疑似身份证号码：地区码和出生日期都像身份证号，只是校验位不对（可能是打错的身份证号）".into(),
                PiiKind::Name => "当事人姓名没有打码".into(),
            },
            (Problem::PersonalData { kind, .. }, En) => match kind {
                PiiKind::IdNumber => "an unmasked resident ID number".into(),
                PiiKind::Mobile => "an unmasked mobile phone number".into(),
                PiiKind::BankCard => "an unmasked bank card number".into(),
                PiiKind::LikelyIdNumber => "probably a resident ID number: its region and birth date are an ID number's, only its check digit is wrong (a typo?)".into(),
                PiiKind::Name => "a party's name is not masked".into(),
            },
        }
    }

    /// How to fix it, if there is more to say than the message.
    pub fn help(&self, lang: Lang) -> Option<String> {
        use Lang::{En, Zh};
        let s = |zh: &str, en: &str| Some(lang.pick(zh, en).to_string());
        match (self, lang) {
            (Problem::ConfigMissing, _) => s(
                "在站点目录中运行，或用 --root 指定包含 gongshi.yaml 的目录",
                "run gongshi in the site folder, or point --root at the folder holding gongshi.yaml",
            ),
            (Problem::ContentMissing, _) => s(
                "新建 content/ 文件夹，再用 gongshi new <乡镇> <年份> 写第一份报告",
                "create a content/ folder, then write a first report with gongshi new <township> <year>",
            ),
            (Problem::Io { .. }, _) => s("检查文件是否存在、是否有读取权限", "check that the file exists and can be read"),
            (Problem::LegacyEncoding { .. }, _) => s(
                "请用记事本或 WPS“另存为”UTF-8 编码，避免其他工具读错",
                "save the file as UTF-8 (“Save as” → UTF-8) so other tools read it correctly",
            ),
            (Problem::NotText, _) => s("请“另存为”UTF-8 编码的文本文件", "save it as UTF-8 text"),
            (Problem::BinaryFile, _) => s(
                "Word、PDF、图片等请放到该年度的附件目录 content/<乡镇>/<年份>/ 中",
                "put Word files, PDFs and images in the report's attachment folder content/<township>/<year>/",
            ),
            (Problem::FileTooLarge { .. }, _) => s(
                "扫描件、PDF 请放到附件目录 content/<乡镇>/<年份>/；报告正文只放文字",
                "put scans and PDFs in the attachment folder content/<township>/<year>/; keep the report itself to text",
            ),
            (Problem::EmptyFile, _) => s(
                "可用 gongshi new <乡镇> <年份> 生成填好结构的报告",
                "gongshi new <township> <year> writes a report skeleton",
            ),
            (Problem::SpecialFile { .. }, _) => s(
                "删除它：content/ 里的报告、简介和附件都必须是普通文件",
                "remove it: reports, profiles and attachments in content/ must be regular files",
            ),
            (Problem::StrayFile { suggestion: Some(sug) }, Zh) => Some(format!("如果这是年度报告，请改名为 {sug}；否则请移出 content/")),
            (Problem::StrayFile { suggestion: Some(sug) }, En) => Some(format!("if this is an annual report, rename it to {sug}; otherwise move it out of content/")),
            (Problem::StrayFile { suggestion: None }, _) => s(
                "报告放在 content/<乡镇>/<年份>.md，乡镇简介放在 content/<乡镇>/_index.md，附件放在 content/<乡镇>/<年份>/",
                "reports go in content/<township>/<year>.md, profiles in content/<township>/_index.md, attachments in content/<township>/<year>/",
            ),
            (Problem::BadSlug { suggestion: Some(sug), .. }, Zh) => Some(format!("请把文件夹改名为“{sug}”（乡镇中文名写在 _index.md 的 name 中）")),
            (Problem::BadSlug { suggestion: Some(sug), .. }, En) => Some(format!("rename the folder to “{sug}” (the Chinese name goes in name: in _index.md)")),
            (Problem::BadSlug { suggestion: None, .. }, _) => s(
                "用乡镇名的拼音作文件夹名，例如 xinkou",
                "name the folder after the township in pinyin, e.g. xinkou",
            ),
            (Problem::ReservedSlug { name }, Zh) => Some(format!("请换一个名字，例如“{name}-zhen”")),
            (Problem::ReservedSlug { name }, En) => Some(format!("choose another name, e.g. “{name}-town”")),
            (Problem::NonUtf8Name { .. }, _) => s(
                "请把文件重命名为只含字母、数字和连字符的名字",
                "rename it using letters, digits and hyphens",
            ),
            (Problem::Symlink { .. }, _) => s(
                "把文件本身复制到 content/ 中，不要使用符号链接",
                "copy the file itself into content/ instead of linking to it",
            ),
            (Problem::UrlCollision { .. }, _) => s("请重命名其中一个", "rename one of them"),
            (Problem::FrontMatterMissing, _) => s(
                "文件第一行写 ---，接着写 title: 等字段，再用一行 --- 结束，然后是正文",
                "start the file with a --- line, then the fields (title: ...), then a closing --- line, then the text",
            ),
            (Problem::FrontMatterNotAtStart, _) => s(
                "删除 --- 之前的内容（包括空行），让 --- 成为第一行",
                "remove everything before the first --- (blank lines included)",
            ),
            (Problem::FrontMatterUnclosed { before_line: Some(line) }, Zh) => {
                Some(format!("在第 {line} 行之前单独加一行 ---，把上面的信息和下面的正文分开"))
            }
            (Problem::FrontMatterUnclosed { before_line: Some(line) }, En) => {
                Some(format!("add a line --- before line {line}, between the fields above and the text below"))
            }
            (Problem::FrontMatterUnclosed { before_line: None }, _) => s(
                "在最后一个字段之后单独加一行 ---；正文写在它的下面",
                "add a --- line after the last field; the text goes below it",
            ),
            (Problem::YamlSyntax { hint, .. }, _) => match hint {
                YamlHint::Tab => s("把 Tab 换成空格（每级缩进两个空格）", "replace the tab with spaces (two per level)"),
                YamlHint::FullWidthSpace => s(
                    "把全角空格换成普通（半角）空格：切换到英文输入法，每级缩进两个空格",
                    "replace it with ordinary spaces (switch the input method to English): two per level",
                ),
                YamlHint::FullWidthColon { fixed, .. } => match lang {
                    Zh => Some(format!("切换到英文输入法，写成：{}", fixed.trim())),
                    En => Some(format!("write it with an ASCII colon and a space: {}", fixed.trim())),
                },
                YamlHint::UnclosedQuote => s("在值的末尾补上同样的引号", "add the matching quote at the end of the value"),
                YamlHint::TextAfterQuote => s(
                    "把整个值放进引号里，例如 title: \"……\"，或者去掉引号",
                    "put the whole value inside the quotes, or remove the quotes",
                ),
                YamlHint::BadEscape => s(
                    "双引号里的“\\”要写成“\\\\”；或者改用单引号，单引号里的反斜杠按原样显示",
                    "write “\\\\” for a backslash inside double quotes, or use single quotes, which keep backslashes as they are",
                ),
                YamlHint::UnclosedBracket => s("补上对应的 ] 或 }", "add the matching ] or }"),
                YamlHint::Reserved(_) | YamlHint::Alias => s(
                    "把整个值放进引号里，例如 \"*注：……\"",
                    "put the whole value in quotes",
                ),
                YamlHint::Indentation => s(
                    "同一级的键要左对齐，下一级比上一级多缩进两个空格",
                    "keys of the same level must line up; nested keys are indented two more spaces",
                ),
                YamlHint::Other => s(
                    "检查这一行的冒号、引号和缩进；值里有冒号时请用引号括起来",
                    "check the colons, quotes and indentation on this line; quote values that contain a colon",
                ),
            },
            (Problem::DuplicateKey { .. }, _) => s("删除其中一个，或合并为一项", "remove one of them"),
            (Problem::YamlLimit { .. }, _) => s(
                "开头信息区只需简单的“键: 值”，不要使用 & 和 * 别名或多层嵌套",
                "front matter needs only plain “key: value” entries; do not use & and * aliases or deep nesting",
            ),
            (Problem::UnknownKey { suggestion, .. }, _) => did_you_mean(suggestion, lang).or_else(|| {
                s("删除这一项，或查看 README 中的字段说明", "remove it, or see the field list in the README")
            }),
            (Problem::UnknownMetric { key, suggestion: Some(metric), by_label: true }, Zh) => Some(format!(
                "写成 {metric}: …（“{key}”对应的键是 {metric}）；指标表之外的数字才写在 other_figures 中"
            )),
            (Problem::UnknownMetric { key, suggestion: Some(metric), by_label: true }, En) => Some(format!(
                "write {metric}: … (the key of “{key}” is {metric}); only figures outside the schema go under other_figures"
            )),
            (Problem::UnknownMetric { suggestion, .. }, _) => did_you_mean(suggestion, lang).or_else(|| {
                s(
                    "指标表之外的数字请写在 other_figures 中（写明 label、value、unit）",
                    "figures outside the schema go under other_figures (with label, value and unit)",
                )
            }),
            (Problem::UnknownGroup { suggestion, .. }, _) => did_you_mean(suggestion, lang).or_else(|| {
                s(
                    "分组写指标表中的分组键或名称，例如 penalty 或 行政处罚；也可以不写",
                    "use a group key or label of the schema, such as penalty, or leave group out",
                )
            }),
            (Problem::MissingField { key }, Zh) => Some(format!("请在文件开头两行 --- 之间加一行 {key}: …")),
            (Problem::MissingField { key }, En) => Some(format!("add a line “{key}: …” to the front matter")),
            (Problem::MissingMetric { key, .. }, Zh) => Some(format!("在 metrics 中填写 {key}；没有职责写“无相关职责”，没有发生写 0")),
            (Problem::MissingMetric { key, .. }, En) => Some(format!("add {key} under metrics; write n/a if the body has no such power, 0 if none occurred")),
            (Problem::WrongType { expected: Expected::Text, .. }, _) => s(
                "文字中有冒号等符号时请用引号括起来",
                "put the text in quotes if it contains a colon or other symbols",
            ),
            (Problem::WrongType { .. }, _) => None,
            (Problem::NullValue { figure: true, .. }, _) => s(
                "请写明：0（本年度无此类案件）、“无相关职责”（没有这项职权），或删除这一行（未报告）",
                "say which you mean: 0 (none this year), n/a (no such power), or remove the line (not reported)",
            ),
            (Problem::NullValue { figure: false, .. }, _) => s(
                "填写一个值，或删除这一行",
                "give it a value, or remove the line",
            ),
            (Problem::BadFigure { error, .. }, _) => figure_help(error, lang),
            (Problem::TotalMismatch { bound: false, .. }, _) => s(
                "核对合计与分项；分项都填写时可以删去合计，由系统自动计算",
                "check the total against its parts; when all parts are given you may delete the total and let gongshi compute it",
            ),
            (Problem::InvalidDate { key, rewrite: Some(date), .. }, Zh) => Some(format!("改为 {key}: {date}")),
            (Problem::InvalidDate { key, rewrite: Some(date), .. }, En) => Some(format!("write {key}: {date}")),
            (Problem::TotalMismatch { bound: true, .. }, _) => s(
                "“5余”表示多于 5（“5以上”“至少5”包括 5 本身），合计不能小于各分项之和；下限的合计也不能大于确切分项之和。核对合计与分项，或删去合计由系统自动计算",
                "“5余” means more than 5 (“5以上” and “至少5” include 5 itself): a total cannot be below its parts, and a lower-bound total cannot exceed exact parts. Check them, or delete the total and let gongshi compute it",
            ),
            (Problem::NotApplicableConflict { .. }, _) => s(
                "“无相关职责”表示没有这项职权；有职权但本年度没有发生写 0。请让合计与分项一致",
                "n/a means the body has no such power; with the power but nothing this year, write 0. Make the total and its parts agree",
            ),
            (Problem::RateMismatch { .. }, _) => s(
                "核对比率和它的分子、分母；只写人数时可以删去比率，由系统自动计算",
                "check the rate against its counts; you may delete the rate and let gongshi compute it from them",
            ),
            (Problem::SumTooLarge { .. }, _) => s(
                "这些数字远大于任何真实的数字：核对是否多打了位数，或把万元误写成了元",
                "these figures are far larger than any real one: check for extra digits, or 万元 written as 元",
            ),
            (Problem::InvalidDate { .. }, _) => s(
                "日期写作 YYYY-MM-DD，例如 2025-12-08，并确认这一天存在",
                "write dates as YYYY-MM-DD, e.g. 2025-12-08, and check that the day exists",
            ),
            (Problem::PublishedTooEarly { .. }, _) => s(
                "核对发布日期和统计截止日期（period_end）",
                "check the publication date and the period end",
            ),
            (Problem::DateAfterStatusDate { .. }, _) => s(
                "核对年份和月份是否打错（如 2052 应为 2025）；状态日期是构建当日，也可用 --as-of、gongshi.yaml 的 as_of 或 SOURCE_DATE_EPOCH 指定",
                "check the year and month for a typo (2052 for 2025); the status date is the day of the build unless --as-of, as_of in gongshi.yaml or SOURCE_DATE_EPOCH sets it",
            ),
            (Problem::LatePublication { .. }, _) => s(
                "年度数据应在次年 1 月 31 日前公开；网站会标注“逾期公开”",
                "annual data is due by 31 January of the next year; the site marks the report as late",
            ),
            (Problem::EmptyReport { draft: true }, _) => s(
                "这是草稿，不会发布；在 metrics 中填写报告载明的数字，在 --- 下面写正文",
                "it is a draft and is not published; fill in the figures under metrics and the text below the closing ---",
            ),
            (Problem::EmptyReport { draft: false }, _) => s(
                "在 metrics 中填写报告载明的数字，在 --- 下面写正文；还没写完的报告加一行 draft: true，就不会发布",
                "fill in the figures under metrics and the text below the closing ---; add draft: true to a report that is not finished, and it is not published",
            ),
            (Problem::MissingPublicationDate, _) => s(
                "如原件写有日期，请加 published: YYYY-MM-DD；原件没有日期则保持空缺，网站会注明“未载明”",
                "if the original states a date, add published: YYYY-MM-DD; if it does not, leave it out and the site says so",
            ),
            (Problem::RevisionRecord { .. }, _) => s(
                "在 revisions 中加一条：- date: YYYY-MM-DD 和 reason: 修订原因",
                "add an entry under revisions: - date: YYYY-MM-DD and reason: …",
            ),
            (Problem::YearMismatch { file_year, .. }, Zh) => Some(format!("把 year 改为 {file_year}，或把文件改名为正确的年份")),
            (Problem::YearMismatch { file_year, .. }, En) => Some(format!("change year to {file_year}, or rename the file to the right year")),
            (Problem::DuplicateTownship { .. }, _) => s(
                "每个乡镇只保留一个文件夹，把报告合并到同一个文件夹中",
                "keep one folder per township and move the reports into it",
            ),
            (Problem::MissingTownshipIndex { .. }, _) => s(
                "在该文件夹中新建 _index.md，至少写明 name: 乡镇名称（gongshi new 会自动生成）",
                "create _index.md in that folder with at least name: (gongshi new writes one)",
            ),
            (Problem::InvalidCoverage { .. }, _) => s(
                "covered_from 写本站收录其报告的第一年，covered_until 写最后一年（可不写）",
                "covered_from is the first year this site holds its reports, covered_until the last (optional)",
            ),
            (Problem::CoverageUnknown { .. }, _) => s(
                "在简介中加一行 covered_from: <年份>（本站从这一年起收录它的报告），或在 gongshi.yaml 中写 first_year",
                "add covered_from: <year> to its profile (the first year this site holds its reports), or first_year to gongshi.yaml",
            ),
            (Problem::UnknownDistrict { suggestion, known, .. }, _) => did_you_mean(suggestion, lang).or_else(|| {
                Some(match lang {
                    Zh => format!("可用的区：{}；或在 gongshi.yaml 的 districts 中加上它", known.join("、")),
                    En => format!("the site's districts are: {}; or add it to districts in gongshi.yaml", known.join(", ")),
                })
            }),
            (Problem::InvalidConfig { reason, .. }, _) => config_help(reason, lang),
            (Problem::ControlCharacter { field: Some(_), .. }, _) => s(
                "删除引号里的转义序列（如 \\0、\\e、\\v、\\x1b），只写要显示的文字",
                "remove the escape sequence (such as \\0, \\e, \\v, \\x1b) from the quoted text; write only what should be shown",
            ),
            (Problem::ControlCharacter { field: None, .. }, _) => s(
                "删除这个字符或写出它的字符引用（如 &#27;）；从其他文档复制文字时请粘贴为纯文本",
                "remove the character or the character reference (such as &#27;) that writes it; paste text from other documents as plain text",
            ),
            (Problem::SourceChanged, _) => s("保存完所有文件后重新构建", "save your files, then build again"),
            (Problem::Template { template, .. }, _) if template.ends_with("glossary.yaml") => s(
                "检查这个文件的 YAML 写法（它整体替换默认的术语表：每一节写 title 和 terms）；删除该文件可恢复默认术语表",
                "check the YAML of this file (it replaces the default glossary whole: each section has a title and terms); remove the file to use the default glossary",
            ),
            (Problem::Template { .. }, _) => s(
                "检查主题模板；删除 templates/ 中的同名文件可恢复默认模板",
                "check the theme template; remove the file from templates/ to use the default",
            ),
            (Problem::ImportUnreadable { .. }, _) => s(
                "用 Word 或 WPS 打开后“另存为”.docx 或导出 PDF，再导入；也可以复制全文保存为 .txt 导入",
                "open it in Word or WPS and save it again as .docx (or export a PDF), then import that; or paste the text into a .txt file",
            ),
            (Problem::ImportUnsupported { kind }, _) => match kind.as_str() {
                "doc" | "wps" | "rtf" | "odt" => s(
                    "用 Word 或 WPS 打开，“另存为”Word 文档（.docx）后再导入",
                    "open it in Word or WPS and save it as a Word document (.docx), then import that",
                ),
                _ => s(
                    "可导入的格式：.docx、.pdf（有文字层）、.txt、.md；扫描图片请先转成文字",
                    "import reads .docx, text-based .pdf, .txt and .md; turn scans into text first",
                ),
            },
            (Problem::ImportScanned { .. }, _) => s(
                "请改用原始的 Word/WPS 文件导入；只有扫描件时，先用 WPS 等工具做文字识别（OCR），核对后保存为 .docx 或 .txt 再导入",
                "import the original Word/WPS file instead; if there is only the scan, run OCR on it first (WPS can), check the text and save it as .docx or .txt",
            ),
            (Problem::ImportEncrypted, _) => s(
                "请使用未加密的原文件，或在 PDF 阅读器中输入密码后“另存为”无密码的 PDF",
                "use the original unprotected file, or open it with its password and save a copy without one",
            ),
            (Problem::ImportPdfNoUnicode, _) => s(
                "请改用原始的 Word/WPS 文件导入，或在 PDF 阅读器中全选复制文字，保存为 .txt 后导入",
                "import the original Word/WPS file instead, or copy the text out of a PDF reader into a .txt file",
            ),
            (Problem::ImportNoText, _) => s("检查是否选错了文件", "check that this is the right file"),
            (Problem::ImportNoYear, _) => s("用 --year 指定年度，例如 --year 2025", "give the year with --year, e.g. --year 2025"),
            (Problem::ImportNoTownship, _) => s(
                "用 --township 指定乡镇文件夹名（如 --township xinkou），新乡镇请在标题中写明乡镇名称",
                "give the township with --township (its folder name, e.g. --township xinkou)",
            ),
            (Problem::ImportExists { .. }, _) => s(
                "先核对已有的报告；确需替换时加 --force，或用 --dry-run 只查看导入结果",
                "check the existing report first; add --force to replace it, or --dry-run to only look at the result",
            ),
            (Problem::PersonalData { masked, kind }, Zh) => Some(match kind {
                PiiKind::Mobile => format!("公开前请打码，写作 {masked}；如果这是单位的公开电话，请加入 gongshi.yaml 的 privacy.allow 列表"),
                PiiKind::LikelyIdNumber => format!("如果是身份证号，公开前请打码，写作 {masked}；如果不是（例如编号），可在前面写明“编号”，或加入 gongshi.yaml 的 privacy.allow 列表"),
                PiiKind::Name => format!("公开前请打码，写作“{masked}”（自然人姓名只保留姓）；如果这是单位名称或并非姓名，可忽略这条警告"),
                _ => format!("公开前请打码，写作 {masked}"),
            }),
            (Problem::PersonalData { masked, kind }, En) => Some(match kind {
                PiiKind::Mobile => format!("mask it before publishing: {masked}; if it is an official contact number, add it to privacy.allow in gongshi.yaml"),
                PiiKind::LikelyIdNumber => format!("if it is an ID number, mask it before publishing: {masked}; if it is not, label it (编号 …) or add it to privacy.allow in gongshi.yaml"),
                PiiKind::Name => format!("mask it before publishing: “{masked}” (keep only the surname of a natural person); if it is not a person's name, ignore this warning"),
                _ => format!("mask it before publishing: {masked}"),
            }),
        }
    }
}

/// The name of a character that splits a number, as an official would call it.
fn separator_name(c: char, lang: Lang) -> String {
    match (c, lang) {
        ('、', Lang::Zh) => "顿号“、”".into(),
        ('、', Lang::En) => "an enumeration comma “、”".into(),
        (' ' | '\u{a0}' | '\u{2009}' | '\u{202f}', Lang::Zh) => "空格".into(),
        (' ' | '\u{a0}' | '\u{2009}' | '\u{202f}', Lang::En) => "a space".into(),
        ('\u{3000}', Lang::Zh) => "全角空格".into(),
        ('\u{3000}', Lang::En) => "a full-width space".into(),
        (c, Lang::Zh) => format!("“{c}”"),
        (c, Lang::En) => format!("“{c}”"),
    }
}

fn figure_message(key: &str, label: &str, error: &FigureError, lang: Lang) -> String {
    let name = match lang {
        Lang::Zh if label.is_empty() || label == key => format!("“{key}”"),
        Lang::Zh => format!("“{key}”（{label}）"),
        Lang::En if label.is_empty() || label == key => format!("“{key}”"),
        Lang::En => format!("“{key}” ({label})"),
    };
    match (error, lang) {
        (FigureError::Empty, Lang::Zh) => format!("{name}没有数字"),
        (FigureError::Empty, Lang::En) => format!("{name} has no number"),
        (FigureError::NotANumber, Lang::Zh) => format!("{name}不是可识别的数字"),
        (FigureError::NotANumber, Lang::En) => format!("{name} is not a number gongshi can read"),
        (FigureError::Negative { .. }, Lang::Zh) => format!("{name}不能是负数"),
        (FigureError::Negative { .. }, Lang::En) => format!("{name} cannot be negative"),
        (FigureError::Fraction { value }, Lang::Zh) => {
            format!("{name}是件数、人数等计数，不能有小数（{value}）")
        }
        (FigureError::Fraction { value }, Lang::En) => {
            format!("{name} is a count and cannot have a fraction ({value})")
        }
        (FigureError::UnitInCount { unit, .. }, Lang::Zh) => {
            format!("{name}只写数字，不要带单位“{unit}”")
        }
        (FigureError::UnitInCount { unit, .. }, Lang::En) => {
            format!("{name} takes the number alone, without the unit “{unit}”")
        }
        (FigureError::UnknownUnit { unit }, Lang::Zh) => format!("{name}的单位“{unit}”无法识别"),
        (FigureError::UnknownUnit { unit }, Lang::En) => {
            format!("{name} has a unit gongshi does not know: “{unit}”")
        }
        (FigureError::TooPrecise { value }, Lang::Zh) => {
            format!("{name}的小数位过多（{value}），金额最多精确到分")
        }
        (FigureError::TooPrecise { value }, Lang::En) => {
            format!("{name} has too many decimals ({value}); amounts go to the fen at most")
        }
        (FigureError::TooLarge, Lang::Zh) => format!("{name}的数字太大，超出可处理的范围"),
        (FigureError::TooLarge, Lang::En) => format!("{name} is too large to be a real figure"),
        (FigureError::MisplacedSeparator { written, .. }, Lang::Zh) => {
            format!("{name}的数字“{written}”写法不清楚：千位分隔符没有把数字每三位分成一组")
        }
        (FigureError::MisplacedSeparator { written, .. }, Lang::En) => format!(
            "{name}: the number “{written}” is unclear: its thousands separators do not mark groups of three digits"
        ),
        (
            FigureError::SplitNumber {
                written, separator, ..
            },
            Lang::Zh,
        ) => format!(
            "{name}的数字“{written}”写法不清楚：数字中间有{}",
            separator_name(*separator, lang)
        ),
        (
            FigureError::SplitNumber {
                written, separator, ..
            },
            Lang::En,
        ) => format!(
            "{name}: the number “{written}” is unclear: its digits are split by {}",
            separator_name(*separator, lang)
        ),
        (FigureError::RateOver100, Lang::Zh) => format!("{name}是百分比，不能超过 100%"),
        (FigureError::RateOver100, Lang::En) => {
            format!("{name} is a percentage and cannot exceed 100%")
        }
    }
}

fn figure_help(error: &FigureError, lang: Lang) -> Option<String> {
    Some(match (error, lang) {
        (FigureError::Empty | FigureError::NotANumber, Lang::Zh) => {
            "写成数字，例如 2537、1100余、约15.7万；没有职责写“无相关职责”，没有发生写 0".into()
        }
        (FigureError::Empty | FigureError::NotANumber, Lang::En) => {
            "write a number such as 2537, 1100+ or ~157000; n/a if the body has no such power, 0 if none occurred".into()
        }
        (FigureError::Negative { suggestion }, Lang::Zh) => format!("去掉负号：{suggestion}"),
        (FigureError::Negative { suggestion }, Lang::En) => format!("remove the minus sign: {suggestion}"),
        (FigureError::Fraction { .. }, Lang::Zh) => "填写整数；不确定的数字可写成“1100余”".into(),
        (FigureError::Fraction { .. }, Lang::En) => "write a whole number; for an uncertain one write 1100+".into(),
        (FigureError::UnitInCount { number, .. }, Lang::Zh) => format!("只写数字：{number}（单位由指标表规定）"),
        (FigureError::UnitInCount { number, .. }, Lang::En) => format!("write the number alone: {number} (the schema sets the unit)"),
        (FigureError::UnknownUnit { .. }, Lang::Zh) => "金额写成以元为单位的数字（如 473240.6），或带单位“元”“万元”".into(),
        (FigureError::UnknownUnit { .. }, Lang::En) => "write amounts in yuan (473240.6), or with the unit 元 or 万元".into(),
        (FigureError::TooPrecise { .. }, Lang::Zh) => "金额以元为单位最多两位小数；用“万元”时最多六位小数".into(),
        (FigureError::TooPrecise { .. }, Lang::En) => "amounts in yuan take at most two decimals; in 万元 at most six".into(),
        (FigureError::TooLarge, Lang::Zh) => "核对是否多打了数字".into(),
        (FigureError::TooLarge, Lang::En) => "check for extra digits".into(),
        (FigureError::MisplacedSeparator { digits, .. }, Lang::Zh) => format!(
            "核对原文后直接写数字、不加分隔符：如果原文是 {digits}，就写 {digits}（分隔符只能每三位一个，如 16,100）"
        ),
        (FigureError::MisplacedSeparator { digits, .. }, Lang::En) => format!(
            "check the original and write the digits without separators: if it means {digits}, write {digits} (a separator only ever sets off three digits, as in 16,100)"
        ),
        (FigureError::SplitNumber { joined, .. }, Lang::Zh) => {
            format!("数字要连在一起写，中间不加顿号或空格：{joined}")
        }
        (FigureError::SplitNumber { joined, .. }, Lang::En) => {
            format!("write the digits together, without commas or spaces between them: {joined}")
        }
        (FigureError::RateOver100, Lang::Zh) => "百分比写成 0 到 100 之间的数，例如 88%".into(),
        (FigureError::RateOver100, Lang::En) => "write a percentage between 0 and 100, e.g. 88%".into(),
    })
}

fn config_message(key: &str, reason: &ConfigReason, lang: Lang) -> String {
    match (reason, lang) {
        (ConfigReason::Language { value }, Lang::Zh) => format!("{key}: 不支持的语言“{value}”"),
        (ConfigReason::Language { value }, Lang::En) => {
            format!("{key}: unsupported language “{value}”")
        }
        (ConfigReason::Theme { value }, Lang::Zh) => format!("{key}: 找不到主题“{value}”"),
        (ConfigReason::Theme { value }, Lang::En) => format!("{key}: there is no theme “{value}”"),
        (ConfigReason::BaseUrl { value }, Lang::Zh) => format!("{key}: “{value}”不是完整的网址"),
        (ConfigReason::BaseUrl { value }, Lang::En) => {
            format!("{key}: “{value}” is not a full web address")
        }
        (ConfigReason::Kind { value }, Lang::Zh) => format!("{key}: 未知的指标类型“{value}”"),
        (ConfigReason::Kind { value }, Lang::En) => format!("{key}: unknown kind “{value}”"),
        (ConfigReason::Group { value, .. }, Lang::Zh) => format!("{key}: 未知的指标分组“{value}”"),
        (ConfigReason::Group { value, .. }, Lang::En) => format!("{key}: unknown group “{value}”"),
        (ConfigReason::IncompleteMetric { field }, Lang::Zh) => {
            format!("新增指标“{key}”缺少“{field}”")
        }
        (ConfigReason::IncompleteMetric { field }, Lang::En) => {
            format!("the new metric “{key}” needs “{field}”")
        }
        (ConfigReason::DanglingPart { part }, Lang::Zh) => {
            format!("“{key}”引用的指标“{part}”不存在（可能已被 drop）")
        }
        (ConfigReason::DanglingPart { part }, Lang::En) => {
            format!("“{key}” refers to “{part}”, which is not in the schema (dropped?)")
        }
        (ConfigReason::Cycle { cycle }, Lang::Zh) => format!(
            "指标的分项（parts）形成了循环：{}，合计会由它自己算出",
            cycle_path(cycle)
        ),
        (ConfigReason::Cycle { cycle }, Lang::En) => format!(
            "the metrics' parts form a cycle: {}; a total would be computed from itself",
            cycle_path(cycle)
        ),
        (ConfigReason::Epoch { value }, Lang::Zh) => {
            format!("{key}: “{value}”不是以秒计的时间戳")
        }
        (ConfigReason::Epoch { value }, Lang::En) => {
            format!("{key}: “{value}” is not a number of seconds since 1970")
        }
        (ConfigReason::Value { value }, Lang::Zh) => format!("{key}: 值“{value}”不可用"),
        (ConfigReason::Value { value }, Lang::En) => {
            format!("{key}: the value “{value}” is not allowed")
        }
        (ConfigReason::CityForm { value }, Lang::Zh) if value.is_empty() => {
            format!("{key}: 这一项既不是区名，也不是“市: [区, …]”")
        }
        (ConfigReason::CityForm { value }, Lang::Zh) => {
            format!("{key}: “{value}”这一项应是一个市及其所辖区的列表")
        }
        (ConfigReason::CityForm { value }, Lang::En) if value.is_empty() => {
            format!("{key}: this entry is neither a district's name nor “city: [district, …]”")
        }
        (ConfigReason::CityForm { value }, Lang::En) => {
            format!("{key}: the entry “{value}” should be a city with the list of its districts")
        }
        (ConfigReason::DuplicateDistrict { value }, Lang::Zh) => {
            format!("{key}: “{value}”出现了不止一次")
        }
        (ConfigReason::DuplicateDistrict { value }, Lang::En) => {
            format!("{key}: “{value}” is named more than once")
        }
        (ConfigReason::Portal { field, value }, Lang::Zh) => {
            let what = match *field {
                "email" => "电子邮箱地址",
                "site_code" => "网站标识码",
                _ => "公安机关备案号",
            };
            format!("{key}: “{value}”不是{what}")
        }
        (ConfigReason::Portal { field, value }, Lang::En) => {
            let what = match *field {
                "email" => "an email address",
                "site_code" => "a website code",
                _ => "a public security record number",
            };
            format!("{key}: “{value}” is not {what}")
        }
    }
}

/// `a → b → a`.
fn cycle_path(cycle: &[String]) -> String {
    let mut keys: Vec<&str> = cycle.iter().map(String::as_str).collect();
    if let Some(first) = cycle.first() {
        keys.push(first);
    }
    keys.join(" → ")
}

fn config_help(reason: &ConfigReason, lang: Lang) -> Option<String> {
    Some(match (reason, lang) {
        (ConfigReason::Language { .. }, Lang::Zh) => "可用：zh-CN、en".into(),
        (ConfigReason::Language { .. }, Lang::En) => "use zh-CN or en".into(),
        (ConfigReason::Theme { .. }, Lang::Zh) => {
            "主题放在 themes/<名称>/；不写 theme 则使用内置的 default 主题".into()
        }
        (ConfigReason::Theme { .. }, Lang::En) => {
            "themes live in themes/<name>/; leave theme out to use the built-in default".into()
        }
        (ConfigReason::BaseUrl { .. }, Lang::Zh) => "写成 https://example.gov.cn/ 的形式".into(),
        (ConfigReason::BaseUrl { .. }, Lang::En) => "write it like https://example.gov.cn/".into(),
        (ConfigReason::Kind { .. }, _) => {
            let kinds: Vec<&str> = crate::figure::Kind::ALL
                .iter()
                .map(|k| k.as_str())
                .chain([crate::config::CASES_KIND])
                .collect();
            match lang {
                Lang::Zh => format!("可用：{}", kinds.join("、")),
                Lang::En => format!("use one of: {}", kinds.join(", ")),
            }
        }
        (
            ConfigReason::Group {
                suggestion: Some(s),
                ..
            },
            Lang::Zh,
        ) => format!("是不是想写“{s}”？"),
        (
            ConfigReason::Group {
                suggestion: Some(s),
                ..
            },
            Lang::En,
        ) => format!("did you mean “{s}”?"),
        (
            ConfigReason::Group {
                suggestion: None, ..
            },
            Lang::Zh,
        ) => "新分组请先在 schema.groups 中定义".into(),
        (
            ConfigReason::Group {
                suggestion: None, ..
            },
            Lang::En,
        ) => "define new groups under schema.groups first".into(),
        (ConfigReason::IncompleteMetric { .. }, Lang::Zh) => {
            "新增指标需写明 label、unit、group、kind".into()
        }
        (ConfigReason::IncompleteMetric { .. }, Lang::En) => {
            "a new metric needs label, unit, group and kind".into()
        }
        (ConfigReason::DanglingPart { .. }, Lang::Zh) => {
            "同时删除引用它的合计或比率指标，或不要删除它".into()
        }
        (ConfigReason::DanglingPart { .. }, Lang::En) => {
            "drop the total or rate that uses it too, or keep it".into()
        }
        (ConfigReason::Cycle { .. }, Lang::Zh) => {
            "合计只能由其他指标相加得到：从循环中的一个指标删去 parts（或把它从另一个的 parts 中删去）".into()
        }
        (ConfigReason::Cycle { .. }, Lang::En) => {
            "a total adds up other metrics only: remove parts from one metric of the cycle (or remove it from another's parts)".into()
        }
        (ConfigReason::Epoch { .. }, Lang::Zh) => {
            "写成整数秒（如 1769877000），或取消这个环境变量；也可以用 --as-of YYYY-MM-DD 指定状态日期".into()
        }
        (ConfigReason::Epoch { .. }, Lang::En) => {
            "give whole seconds (such as 1769877000) or unset it; --as-of YYYY-MM-DD also fixes the status date".into()
        }
        (ConfigReason::Value { .. }, _) => return None,
        (ConfigReason::CityForm { .. }, Lang::Zh) => {
            "每一项写一个区名（- 西青区），或写一个市及其所辖区：- 天津市: [西青区, 北辰区]".into()
        }
        (ConfigReason::CityForm { .. }, Lang::En) => {
            "write each entry as a district's name (- 西青区) or as a city with its districts: - 天津市: [西青区, 北辰区]".into()
        }
        (ConfigReason::DuplicateDistrict { .. }, Lang::Zh) => {
            "每个区只列一次，只属于一个市；市名不能与区名相同".into()
        }
        (ConfigReason::DuplicateDistrict { .. }, Lang::En) => {
            "list each district once, under one city at most; a city cannot share a district's name".into()
        }
        (ConfigReason::Portal { field, .. }, lang) => match (*field, lang) {
            ("email", Lang::Zh) => "写成 zhifa@example.gov.cn 的形式".into(),
            ("email", Lang::En) => "write it like zhifa@example.gov.cn".into(),
            ("site_code", Lang::Zh) => {
                "网站标识码是 10 位数字（如 1201110001），照政府网站信息报送时分配的写".into()
            }
            ("site_code", Lang::En) => {
                "a website code is 10 digits (such as 1201110001), as assigned to the government website".into()
            }
            (_, Lang::Zh) => {
                "照备案写，带上备案编号：津公网安备 12011102000123号（页脚按编号链接到备案查询）".into()
            }
            (_, Lang::En) => {
                "write it as registered, with its number: 津公网安备 12011102000123号 (the footer links the number to the record search)".into()
            }
        },
    })
}
