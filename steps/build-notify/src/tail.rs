//! The last lines of a log, read backwards from its end in blocks: a 10 GB build log costs only
//! its tail, never a read of the whole file.

use std::io::{Read, Seek, SeekFrom};

const BLOCK: usize = 64 * 1024;

/// The last `lines` lines of the `len` bytes of `file` (a last line without a newline counts), or
/// `None` when they come to more than `most` bytes.
pub fn last_lines<F: Read + Seek>(file: &mut F, len: u64, lines: usize, most: u64) -> std::io::Result<Option<Vec<u8>>> {
    if lines == 0 {
        return Ok(Some(Vec::new()));
    }
    // Blocks from the end backwards; `start` is where the unread part ends.
    let (mut blocks, mut start, mut found) = (Vec::new(), len, 0);
    while start > 0 {
        let size = usize::try_from(start).map_or(BLOCK, |start| start.min(BLOCK));
        start -= size as u64;
        let mut block = vec![0; size];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut block)?;
        for (i, byte) in block.iter().enumerate().rev() {
            // The file's final newline ends the last line; it does not start one.
            if *byte != b'\n' || start + i as u64 == len - 1 {
                continue;
            }
            found += 1;
            if found == lines {
                blocks.push(block.split_off(i + 1));
                return Ok(within(blocks, most));
            }
        }
        blocks.push(block);
        if len - start > most {
            return Ok(None);
        }
    }
    Ok(within(blocks, most))
}

/// The blocks (last first) joined, if they fit in `most`.
fn within(blocks: Vec<Vec<u8>>, most: u64) -> Option<Vec<u8>> {
    let tail: Vec<u8> = blocks.into_iter().rev().flatten().collect();
    (tail.len() as u64 <= most).then_some(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tail(text: &str, lines: usize) -> Option<String> {
        let mut file = std::io::Cursor::new(text.as_bytes().to_vec());
        let bytes = last_lines(&mut file, text.len() as u64, lines, 1 << 20).unwrap()?;
        Some(String::from_utf8(bytes).unwrap())
    }

    #[test]
    fn the_last_lines_as_split_would_give_them() {
        for text in ["a\nb\nc\n", "a\nb\nc", "", "\n", "only", "a\n\n\nb\n"] {
            let all: Vec<&str> = text.split_inclusive('\n').collect();
            for n in 0..5 {
                let expected = all[all.len().saturating_sub(n)..].concat();
                assert_eq!(tail(text, n).as_deref(), Some(expected.as_str()), "{text:?}, {n} lines");
            }
        }
    }

    #[test]
    fn lines_across_blocks_and_the_size_limit() {
        let long = "x".repeat(BLOCK * 2 + 5);
        let text = format!("first\n{long}\nlast\n");
        assert_eq!(tail(&text, 2), Some(format!("{long}\nlast\n")));
        let mut file = std::io::Cursor::new(text.as_bytes().to_vec());
        assert_eq!(last_lines(&mut file, text.len() as u64, 2, 1000).unwrap(), None, "over the limit");
    }
}
