//! Where commands read their inputs and write the files they are asked to write: the disk
//! ([`Disk`], the one place the command layer touches it) or memory ([`Memory`]).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// What a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Folder,
    /// Something else (a device, a socket).
    Other,
    /// Nothing (or nothing that can be looked at).
    Missing,
}

/// The files (and standard input) a command reads, and the files it writes:
/// `--save-replay`, `--save-replays`, `--chart`, `fmt`, `test --bless`.
pub trait Files {
    /// The first `limit` bytes of a file.
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>>;
    /// The first `limit` bytes of standard input.
    fn stdin(&self, limit: u64) -> io::Result<Vec<u8>>;
    /// What `path` names.
    fn kind(&self, path: &Path) -> Kind;
    /// The paths of the entries of a folder, in any order.
    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;
    /// Creates or replaces a file.
    fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    /// Creates a folder and any missing parent.
    fn create_dir_all(&self, dir: &Path) -> io::Result<()>;
    /// The path's one name: absolute, every symbolic link followed, no `.` or `..` (or the
    /// path as given, when that cannot be worked out). Two paths to one file or folder have
    /// the same canonical path: `herald test` visits each once, around any loop of links.
    fn canonical(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }
}

/// The process's own files and standard input.
pub struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        std::fs::File::open(path)?.take(limit).read_to_end(&mut buf)?;
        Ok(buf)
    }

    fn stdin(&self, limit: u64) -> io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        io::stdin().take(limit).read_to_end(&mut buf)?;
        Ok(buf)
    }

    fn kind(&self, path: &Path) -> Kind {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Kind::Folder,
            Ok(m) if m.is_file() => Kind::File,
            Ok(_) => Kind::Other,
            Err(_) => Kind::Missing,
        }
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        std::fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect()
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        std::fs::write(path, bytes)
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)
    }

    fn canonical(&self, path: &Path) -> PathBuf {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    }
}

/// Files held in memory, with the standard input given: for running commands where there
/// is no file system (a browser) or none to touch (a test). Paths are compared with `.`
/// components left out; files written are kept (see [`Memory::file`]).
#[derive(Default)]
pub struct Memory {
    files: RefCell<BTreeMap<PathBuf, Vec<u8>>>,
    folders: RefCell<BTreeSet<PathBuf>>,
    /// What standard input holds.
    pub stdin: Vec<u8>,
}

impl Memory {
    /// No files, and `stdin` as standard input.
    pub fn new(stdin: impl Into<Vec<u8>>) -> Memory {
        Memory { stdin: stdin.into(), ..Memory::default() }
    }

    /// Adds (or replaces) a file.
    #[must_use]
    pub fn with(self, path: impl AsRef<Path>, bytes: impl Into<Vec<u8>>) -> Memory {
        self.files.borrow_mut().insert(clean(path.as_ref()), bytes.into());
        self
    }

    /// A file's content, if there is such a file.
    pub fn file(&self, path: impl AsRef<Path>) -> Option<Vec<u8>> {
        self.files.borrow().get(&clean(path.as_ref())).cloned()
    }

    fn is_folder(&self, path: &Path) -> bool {
        path.as_os_str().is_empty()
            || self.folders.borrow().iter().any(|f| f.starts_with(path))
            || self.files.borrow().keys().any(|f| f != path && f.starts_with(path))
    }
}

/// A path without its `.` components (`./a/./b` is `a/b`, `.` is empty).
fn clean(path: &Path) -> PathBuf {
    path.components().filter(|c| *c != Component::CurDir).collect()
}

fn not_found() -> io::Error {
    io::Error::from(io::ErrorKind::NotFound)
}

impl Files for Memory {
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let bytes = self.files.borrow().get(&clean(path)).cloned().ok_or_else(not_found)?;
        Ok(bytes.into_iter().take(usize::try_from(limit).unwrap_or(usize::MAX)).collect())
    }

    fn stdin(&self, limit: u64) -> io::Result<Vec<u8>> {
        Ok(self.stdin.iter().copied().take(usize::try_from(limit).unwrap_or(usize::MAX)).collect())
    }

    fn kind(&self, path: &Path) -> Kind {
        let path = clean(path);
        if self.files.borrow().contains_key(&path) {
            Kind::File
        } else if self.is_folder(&path) {
            Kind::Folder
        } else {
            Kind::Missing
        }
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let clean_dir = clean(dir);
        if !self.is_folder(&clean_dir) {
            return Err(not_found());
        }
        let files = self.files.borrow();
        let folders = self.folders.borrow();
        let mut names: BTreeSet<&std::ffi::OsStr> = BTreeSet::new();
        for p in files.keys().chain(folders.iter()) {
            if let Ok(rest) = p.strip_prefix(&clean_dir)
                && let Some(Component::Normal(first)) = rest.components().next()
            {
                names.insert(first);
            }
        }
        Ok(names.into_iter().map(|n| dir.join(n)).collect())
    }

    fn write(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        self.files.borrow_mut().insert(clean(path), bytes.to_vec());
        Ok(())
    }

    fn create_dir_all(&self, dir: &Path) -> io::Result<()> {
        self.folders.borrow_mut().insert(clean(dir));
        Ok(())
    }

    /// Memory has no links: a path's one name is the path without its `.` components.
    fn canonical(&self, path: &Path) -> PathBuf {
        clean(path)
    }
}
