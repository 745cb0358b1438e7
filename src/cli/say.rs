//! Everything the command line says to people, in both languages, in one
//! table. (Problems in the content are worded in the library's
//! `diagnostic::messages`; the website's words are in the theme's
//! `i18n.yaml`; the Chinese `--help` is in `help.rs`.)

use gongshi::i18n::Lang;

/// A sentence of the command line.
pub enum Say<'a> {
    /// `状态截至 2026-11-24（构建当日）`.
    StatusDate {
        /// The date.
        date: String,
        /// Where it came from, already worded.
        source: &'a str,
    },
    /// The heading of `check`'s list of drafts.
    DraftsHeading,
    /// `check`'s summary line.
    Checked {
        reports: usize,
        drafts: usize,
        errors: usize,
        warnings: usize,
    },
    /// Warnings left unprinted.
    MoreWarnings(usize),
    /// A build refused because of errors.
    BuildFailed { errors: usize, warnings: usize },
    /// Another build holds the output.
    Waiting { pid: String, output: String },
    /// A build's summary line.
    Built {
        pages: usize,
        files: usize,
        secs: f64,
        warnings: usize,
        output: String,
    },
    /// A build with nothing to do: the output is up to date.
    UpToDate {
        secs: f64,
        warnings: usize,
        output: String,
    },
    /// A build that read again only the files changed since the last one.
    ReadAgain(usize),
    /// `build --timings`: files written anew and kept unchanged.
    Reused { written: usize, reused: usize },
    /// A preview build that includes drafts.
    DraftsIncluded(usize),
    /// Drafts left out of a build.
    DraftsSkipped(usize),
    /// A file created.
    Created,
    /// A file written.
    Wrote,
    /// A file `--dry-run` would write.
    WouldWrite,
    /// A slug guessed from an ambiguous reading.
    SlugGuess {
        slug: &'a str,
        ch: char,
        used: &'a str,
        others: &'a [&'a str],
        township: &'a str,
        year: &'a str,
    },
    /// The new report is a draft.
    NewIsDraft,
    /// Another year's report exists and was left alone.
    OtherYearExists(&'a str),
    /// What to do after `init`.
    InitNext(&'a str),
    /// The preview listens beyond this computer.
    NotLoopback,
    /// Watching failed.
    CannotWatch,
    /// The preview is running.
    Serving,
    /// No browser could be opened.
    NoBrowser,
    /// The preview stopped.
    Stopped,
    /// A port asked for is taken.
    PortTaken(u16),
    /// Every port tried is taken.
    PortsTaken { first: u16, last: u16 },
    /// No such address on this machine.
    NoAddress(String),
    /// Not allowed to listen on a port.
    PortNotAllowed(u16),
    /// A rebuild after an edit.
    Rebuilt {
        changes: usize,
        first: usize,
        first_ms: u128,
        rest: usize,
        total_ms: u128,
    },
    /// A rebuild that found errors.
    RebuildFailed { changes: usize, total_ms: u128 },
    /// The overlay's heading with errors.
    OverlayErrors(usize),
    /// The overlay's heading with warnings only.
    OverlayWarnings(usize),
    /// More problems than the overlay lists.
    OverlayMore(usize),
    /// The overlay's dismiss button.
    Dismiss,
}

impl Say<'_> {
    /// The sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        use Lang::{En, Zh};
        match (self, lang) {
            (Say::StatusDate { date, source }, Zh) => format!("状态截至 {date}（{source}）"),
            (Say::StatusDate { date, source }, En) => format!("status as of {date} ({source})"),
            (Say::DraftsHeading, Zh) => {
                "草稿（draft: true，不会发布；gongshi build --drafts 可以预览）：".into()
            }
            (Say::DraftsHeading, En) => {
                "drafts (draft: true; not published; preview them with gongshi build --drafts):"
                    .into()
            }
            (
                Say::Checked {
                    reports,
                    drafts: 0,
                    errors,
                    warnings,
                },
                Zh,
            ) => format!("检查完毕：{reports} 份报告，{errors} 个错误，{warnings} 条警告"),
            (
                Say::Checked {
                    reports,
                    drafts,
                    errors,
                    warnings,
                },
                Zh,
            ) => format!(
                "检查完毕：{reports} 份报告，{drafts} 份草稿，{errors} 个错误，{warnings} 条警告"
            ),
            (
                Say::Checked {
                    reports,
                    drafts: 0,
                    errors,
                    warnings,
                },
                En,
            ) => format!("checked: {reports} reports, {errors} errors, {warnings} warnings"),
            (
                Say::Checked {
                    reports,
                    drafts,
                    errors,
                    warnings,
                },
                En,
            ) => format!(
                "checked: {reports} reports, {drafts} drafts, {errors} errors, {warnings} warnings"
            ),
            (Say::MoreWarnings(n), Zh) => {
                format!("……另有 {n} 条警告未显示；运行 gongshi check 查看全部")
            }
            (Say::MoreWarnings(n), En) => {
                format!("… and {n} more warnings; run gongshi check to see them all")
            }
            (Say::BuildFailed { errors, warnings }, Zh) => format!(
                "构建失败：{errors} 个错误，{warnings} 条警告；未写入任何文件，原有输出保持不变"
            ),
            (Say::BuildFailed { errors, warnings }, En) => format!(
                "build failed: {errors} errors, {warnings} warnings; nothing was written and the previous output is untouched"
            ),
            (Say::Waiting { pid, output }, Zh) => {
                format!("另一个 gongshi 构建（进程 {pid}）正在写入 {output}，等它完成后再继续……")
            }
            (Say::Waiting { pid, output }, En) => format!(
                "another gongshi build (process {pid}) is writing {output}; waiting for it to finish…"
            ),
            (
                Say::Built {
                    pages,
                    files,
                    secs,
                    warnings,
                    output,
                },
                Zh,
            ) => format!(
                "已生成 {pages} 个页面、{files} 个文件，用时 {secs:.2} 秒，{warnings} 条警告 → {output}"
            ),
            (
                Say::Built {
                    pages,
                    files,
                    secs,
                    warnings,
                    output,
                },
                En,
            ) => format!(
                "built {pages} pages, {files} files in {secs:.2} s, {warnings} warnings → {output}"
            ),
            (
                Say::UpToDate {
                    secs,
                    warnings,
                    output,
                },
                Zh,
            ) => format!(
                "网站已是最新：上次构建以来，内容、配置和主题都没有改动，未写入任何文件（用时 {secs:.2} 秒，{warnings} 条警告）→ {output}"
            ),
            (
                Say::UpToDate {
                    secs,
                    warnings,
                    output,
                },
                En,
            ) => format!(
                "up to date: nothing in the content, the config or the theme changed since the last build; nothing written ({secs:.2} s, {warnings} warnings) → {output}"
            ),
            (Say::ReadAgain(n), Zh) => format!(
                "上次构建以来改动了 {} 个文件：只重新生成了受影响的页面和下载文件，其余沿用（--full 可全部重新生成）",
                grouped(*n)
            ),
            (Say::ReadAgain(n), En) => format!(
                "{} {} changed since the last build: only the pages and downloads affected were rendered again (--full renders everything)",
                grouped(*n),
                if *n == 1 { "file" } else { "files" }
            ),
            (Say::Reused { written, reused }, Zh) => format!(
                "写入 {} 个文件，沿用 {} 个未变的文件",
                grouped(*written),
                grouped(*reused)
            ),
            (Say::Reused { written, reused }, En) => format!(
                "wrote {} files, kept {} unchanged",
                grouped(*written),
                grouped(*reused)
            ),
            (Say::DraftsIncluded(n), Zh) => {
                format!("本次输出包含 {n} 份草稿，页面上标有“草稿”：仅供预览，不要发布")
            }
            (Say::DraftsIncluded(n), En) => format!(
                "this output includes {n} drafts, marked as such: a preview, not for publishing"
            ),
            (Say::DraftsSkipped(n), Zh) => format!(
                "跳过 {n} 份草稿（draft: true）；运行 gongshi check 查看清单，gongshi build --drafts 可以预览"
            ),
            (Say::DraftsSkipped(n), En) => format!(
                "skipped {n} drafts (draft: true); gongshi check lists them, gongshi build --drafts previews them"
            ),
            (Say::Created, Zh) => "已创建".into(),
            (Say::Created, En) => "created".into(),
            (Say::Wrote, Zh) => "已写入".into(),
            (Say::Wrote, En) => "wrote".into(),
            (Say::WouldWrite, Zh) => "将写入（--dry-run，未写入）".into(),
            (Say::WouldWrite, En) => "would write (--dry-run, not written)".into(),
            (
                Say::SlugGuess {
                    slug,
                    ch,
                    used,
                    others,
                    township,
                    year,
                },
                Zh,
            ) => format!(
                "注意：文件夹名 {slug} 是按拼音推测的：“{ch}”读作 {used}，但地名中也可能读 {}。读音不对时，删除这个文件夹，再用 --slug 指定，例如：gongshi new {township} {year} --slug …",
                others.join("、")
            ),
            (
                Say::SlugGuess {
                    slug,
                    ch,
                    used,
                    others,
                    township,
                    year,
                },
                En,
            ) => format!(
                "note: the folder name {slug} is a guess from pinyin: “{ch}” is read {used}, but place names may read it {}. If that is wrong, remove the folder and give the name with --slug: gongshi new {township} {year} --slug …",
                others.join(", ")
            ),
            (Say::NewIsDraft, Zh) => {
                "新报告是草稿（draft: true），填写完成、核对无误后删除这一行才会发布。".into()
            }
            (Say::NewIsDraft, En) => "the new report is a draft (draft: true); remove that line once it is complete and checked, and it is published.".into(),
            (Say::OtherYearExists(f), Zh) => {
                format!("{f} 已存在，未改动；其他年度的数字列在新报告的注释中")
            }
            (Say::OtherYearExists(f), En) => format!(
                "{f} exists and was left alone; the figures for that year are listed in the new report's comments"
            ),
            (Say::InitNext(root), Zh) => format!(
                "\n下一步：\n  1. 打开 {root}/gongshi.yaml，核对网站标题、网址和所属的区\n  2. gongshi new 辛口镇 2025 --root {root}    为一个乡镇写第一份报告\n  3. gongshi build --root {root}               生成网站，打开 {root}/public/index.html 查看"
            ),
            (Say::InitNext(root), En) => format!(
                "\nnext:\n  1. open {root}/gongshi.yaml and check the title, address and districts\n  2. gongshi new 辛口镇 2025 --root {root}    write a first report for a township\n  3. gongshi build --root {root}               build the site, then open {root}/public/index.html"
            ),
            (Say::NotLoopback, Zh) => "警告：预览服务监听在非本机地址上，同一网络中的其他人也能看到尚未发布的内容（包括草稿）。".into(),
            (Say::NotLoopback, En) => "warning: the preview listens on a non-loopback address: others on the network can see unpublished content (drafts included).".into(),
            (Say::CannotWatch, Zh) => "无法监视网站文件夹：".into(),
            (Say::CannotWatch, En) => "cannot watch the site folder:".into(),
            (Say::Serving, Zh) => "正在预览：保存文件后页面会自动刷新。按 Ctrl-C 停止。".into(),
            (Say::Serving, En) => {
                "Serving: pages reload by themselves when you save a file. Press Ctrl-C to stop."
                    .into()
            }
            (Say::NoBrowser, Zh) => "无法打开浏览器，请手动打开上面的地址。".into(),
            (Say::NoBrowser, En) => "could not open a browser; open the address above.".into(),
            (Say::Stopped, Zh) => "预览已停止。".into(),
            (Say::Stopped, En) => "Preview stopped.".into(),
            (Say::PortTaken(p), Zh) => format!(
                "端口 {p} 已被其他程序占用：换一个端口（--port {}），或先关闭占用它的程序",
                p.saturating_add(1)
            ),
            (Say::PortTaken(p), En) => format!(
                "port {p} is already in use: choose another (--port {}) or stop the program using it",
                p.saturating_add(1)
            ),
            (Say::PortsTaken { first, last }, Zh) => {
                format!("端口 {first}–{last} 都已被占用：用 --port 指定一个空闲端口")
            }
            (Say::PortsTaken { first, last }, En) => {
                format!("ports {first}–{last} are all in use: choose a free one with --port")
            }
            (Say::NoAddress(a), Zh) => format!("本机没有地址 {a}：检查 --bind"),
            (Say::NoAddress(a), En) => format!("this machine has no address {a}: check --bind"),
            (Say::PortNotAllowed(p), Zh) => format!("没有权限监听端口 {p}：用 1024 以上的端口"),
            (Say::PortNotAllowed(p), En) => {
                format!("not allowed to listen on port {p}: use a port above 1023")
            }
            (
                Say::Rebuilt {
                    changes,
                    first,
                    first_ms,
                    rest,
                    total_ms,
                },
                Zh,
            ) => format!(
                "{changes} 处改动：更新了 {first} 个文件（{first_ms} 毫秒），另有 {rest} 个汇总和下载文件（共 {total_ms} 毫秒）"
            ),
            (
                Say::Rebuilt {
                    changes,
                    first,
                    first_ms,
                    rest,
                    total_ms,
                },
                En,
            ) => format!(
                "{changes} changes: {first} files updated ({first_ms} ms), then {rest} summaries and downloads ({total_ms} ms in all)"
            ),
            (Say::RebuildFailed { changes, total_ms }, Zh) => {
                format!("{changes} 处改动：有错误，继续显示上一次成功生成的版本（{total_ms} 毫秒）")
            }
            (Say::RebuildFailed { changes, total_ms }, En) => {
                format!("{changes} changes: errors, still serving the last good build ({total_ms} ms)")
            }
            (Say::OverlayErrors(n), Zh) => format!(
                "内容有 {n} 个错误，页面未更新（仍显示上一次成功生成的版本）。改正后会自动刷新。"
            ),
            (Say::OverlayErrors(n), En) => format!(
                "{n} errors in the content: the pages were not updated (this is the last good build). They reload once it is fixed."
            ),
            (Say::OverlayWarnings(n), Zh) => format!("{n} 条警告"),
            (Say::OverlayWarnings(n), En) => format!("{n} warnings"),
            (Say::OverlayMore(n), Zh) => format!("……另有 {n} 条，见终端或运行 gongshi check"),
            (Say::OverlayMore(n), En) => {
                format!("… and {n} more: see the terminal or run gongshi check")
            }
            (Say::Dismiss, Zh) => "关闭".into(),
            (Say::Dismiss, En) => "Dismiss".into(),
        }
    }
}

/// `18023` as `18,023`: the grouping figures are shown with
/// ([`Amount::to_grouped`](gongshi::amount::Amount::to_grouped)).
fn grouped(n: usize) -> String {
    i64::try_from(n)
        .ok()
        .and_then(gongshi::amount::Amount::from_units)
        .map_or_else(|| n.to_string(), |a| a.to_grouped(0))
}
