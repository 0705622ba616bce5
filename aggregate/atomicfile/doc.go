// Package atomicfile writes output files so that a run that fails or is
// interrupted leaves the previous file as it was, in two steps:
//
//   - [Prepare] writes the new content into a temporary file next to the
//     target, named ".NAME.tmp-DIGITS", synced to disk;
//   - [Pending.Commit] renames it over the target (and syncs the
//     directory); [Pending.Abort] removes it.
//
// Only a regular file or a missing path is replaced that way. A character
// device, a FIFO, a socket or an open descriptor (/dev/stdout,
// /dev/fd/N, /proc/self/fd/N, also behind a symbolic link) is written in
// place, by Commit: there is no file to replace, and renaming over it
// would replace the device node or the link for every process. A symbolic
// link to a regular file is followed: the file it names is replaced and
// the link is kept. A new file is created with perm less the umask; a
// file being replaced keeps its permission bits, and its owner and group
// where the process may set them.
//
// A temporary file left by a run killed during its write (kill -9, a
// crash) is removed by the next Prepare of the same target once it is
// older than [StaleAge]: only files whose name is exactly
// ".NAME.tmp-" followed by digits, regular files, not modified for that
// long, so that a concurrent run's file is never touched.
//
// [WriteFile] does both steps at once (state files); a command that writes
// several outputs prepares them all and commits them once every one is
// written. [CheckOutput] checks a path before the work starts, and
// [RemoveTemporaries] removes this process's temporary files when it is
// told to exit.
package atomicfile
