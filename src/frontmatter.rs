//! Splitting a content file into its front matter (YAML between `---` lines)
//! and its Markdown body, remembering where each starts so that every
//! position gongshi reports is a position in the original file.

use crate::diagnostic::{Pos, Problem};

/// A file split into front matter and body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// Lines before the YAML (the opening `---`): YAML line 1 is file line `yaml_lines_before + 1`.
    pub yaml_lines_before: u32,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
    /// The file line on which the body starts.
    pub body_line: u32,
}

/// Split `text`. The front matter must open on the first line.
pub fn split(text: &str) -> Result<Split<'_>, (Problem, Pos)> {
    let mut lines = LineIter::new(text);
    let Some((first, _, after_first)) = lines.next() else {
        return Err((Problem::FrontMatterMissing, Pos::new(1, 1, 1)));
    };
    if !is_delimiter(first) {
        // Is there a front-matter block further down? Then it is misplaced.
        let misplaced = LineIter::new(text).skip(1).any(|(l, _, _)| is_delimiter(l));
        let problem = if misplaced && looks_like_front_matter_below(text) {
            Problem::FrontMatterNotAtStart
        } else {
            Problem::FrontMatterMissing
        };
        let len = first.chars().count().max(1) as u32;
        return Err((problem, Pos::new(1, 1, len)));
    }
    let yaml_start = after_first;
    for (line, line_no, after) in lines {
        if is_delimiter(line) || line.trim_end() == "..." {
            let line_start = after - line_len_with_break(text, after, line);
            let yaml = text.get(yaml_start..line_start).unwrap_or("");
            let body = text.get(after..).unwrap_or("");
            return Ok(Split {
                yaml,
                yaml_lines_before: 1,
                body,
                body_line: line_no + 1,
            });
        }
    }
    match first_body_line(text) {
        Some((line, len)) => Err((
            Problem::FrontMatterUnclosed {
                before_line: Some(line),
            },
            Pos::new(line, 1, len),
        )),
        None => Err((
            Problem::FrontMatterUnclosed { before_line: None },
            Pos::new(1, 1, 3),
        )),
    }
}

/// The first line after an unclosed `---` that cannot be front matter: a
/// Markdown heading (`## 一、基本情况`) or a line of text at the left
/// margin without a colon — where the closing `---` belongs. With its
/// length in characters.
fn first_body_line(text: &str) -> Option<(u32, u32)> {
    LineIter::new(text).skip(1).find_map(|(line, no, _)| {
        let starts_flush = line.starts_with(|c: char| !c.is_whitespace());
        let heading = line
            .trim_start_matches('#')
            .strip_prefix(' ')
            .filter(|rest| line.starts_with('#') && !rest.contains(':'));
        // `inspections：1530` is a field typed with a full-width colon, not text.
        let field = line.split_once('：').is_some_and(|(k, _)| {
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        let prose = !line
            .starts_with(['#', '-', '"', '\'', '[', '{', '&', '*', '!', '|', '>', '%'])
            && !line.contains(':')
            && !field
            && !line.trim_end().is_empty();
        (starts_flush && (heading.is_some() || prose))
            .then(|| (no, u32::try_from(line.chars().count()).unwrap_or(1)))
    })
}

fn is_delimiter(line: &str) -> bool {
    line.trim_end() == "---"
}

fn looks_like_front_matter_below(text: &str) -> bool {
    // A `---` line followed by a `key: value` line.
    let lines: Vec<&str> = LineIter::new(text).map(|(l, _, _)| l).collect();
    lines.windows(2).skip(1).any(|w| match w {
        [a, b] => is_delimiter(a) && b.contains(':'),
        _ => false,
    })
}

/// The byte length of `line` plus the line break that ends before `after`.
fn line_len_with_break(text: &str, after: usize, line: &str) -> usize {
    let bytes = text.as_bytes();
    let mut brk = 0;
    if after > 0 && bytes.get(after - 1) == Some(&b'\n') {
        brk = 1;
        if after > 1 && bytes.get(after - 2) == Some(&b'\r') {
            brk = 2;
        }
    } else if after > 0 && bytes.get(after - 1) == Some(&b'\r') {
        brk = 1;
    }
    line.len() + brk
}

/// Lines with their 1-based number and the byte offset just after their break.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
}

impl<'a> LineIter<'a> {
    fn new(text: &'a str) -> Self {
        LineIter {
            text,
            pos: 0,
            line: 0,
        }
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (&'a str, u32, usize);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.text.get(self.pos..)?;
        if rest.is_empty() {
            return None;
        }
        self.line += 1;
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let line = rest.get(..end)?;
        let mut next = self.pos + end;
        let bytes = self.text.as_bytes();
        if bytes.get(next) == Some(&b'\r') {
            next += 1;
        }
        if bytes.get(next) == Some(&b'\n') {
            next += 1;
        }
        self.pos = next;
        Some((line, self.line, next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lf_and_crlf() {
        let s = split("---\nname: 辛口镇\n---\n正文\n").ok();
        assert_eq!(
            s.map(|s| (s.yaml, s.body, s.body_line)),
            Some(("name: 辛口镇\n", "正文\n", 4))
        );
        let s = split("---\r\nname: x\r\nyear: 1\r\n---\r\nbody").ok();
        assert_eq!(
            s.map(|s| (s.yaml, s.body, s.body_line)),
            Some(("name: x\r\nyear: 1\r\n", "body", 5))
        );
        let s = split("---\n---\n").ok();
        assert_eq!(s.map(|s| (s.yaml, s.body)), Some(("", "")));
    }

    #[test]
    fn reports_missing_misplaced_and_unclosed() {
        assert_eq!(
            split("# 标题\n").err().map(|e| e.0),
            Some(Problem::FrontMatterMissing)
        );
        assert_eq!(
            split("\n---\nname: x\n---\n").err().map(|e| e.0),
            Some(Problem::FrontMatterNotAtStart)
        );
        assert_eq!(
            split("---\nname: x\n正文").err(),
            Some((
                Problem::FrontMatterUnclosed {
                    before_line: Some(3)
                },
                Pos::new(3, 1, 2)
            ))
        );
        // A YAML comment is front matter; a Markdown heading is not.
        assert_eq!(
            split("---\ntitle: x\n# published: 2025-01-01\n\n## 一、基本情况\n\n正文\n").err(),
            Some((
                Problem::FrontMatterUnclosed {
                    before_line: Some(5)
                },
                Pos::new(5, 1, 9)
            ))
        );
        assert_eq!(
            split("---\ntitle: x\ninspections：5\n一、基本情况：正文\n")
                .err()
                .map(|e| e.1.line),
            Some(4)
        );
        assert_eq!(
            split("---\ntitle: x\nyear: 2025\n").err().map(|e| e.0),
            Some(Problem::FrontMatterUnclosed { before_line: None })
        );
    }
}
