// The operating system's C library, in one place: the modules that call it (files, iconv, flock,
// strtod, fnmatch, printf) import RuralstatSystem instead of choosing between Glibc and Darwin
// each on its own. Linux is where ruralstat is built and tested; the Darwin branch keeps the
// package's macOS platform honest for the calls it makes, which both C libraries offer alike.
#if canImport(Glibc)
    @_exported import Glibc
#elseif canImport(Darwin)
    @_exported import Darwin
#else
    #error("ruralstat needs the C library of Linux (Glibc) or of Apple's systems (Darwin)")
#endif

/// Keeps the C allocator to two arenas: the nightly run reads files on threads of their own, and
/// glibc's default of eight arenas a core left freed memory spread over them (measured with
/// `Benchmarks/nightly.sh`: a peak of 569 MB at 10M observations against 462 MB with two, at the
/// same speed). Nothing to do where the C library is not glibc.
public func limitAllocatorArenas() {
    #if canImport(Glibc)
        // mallopt and M_ARENA_MAX (-8) are declared in <malloc.h>, which the Glibc module does not
        // import: the function is looked up in the process (a nil handle is RTLD_DEFAULT).
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
        _ = mallopt(-8, 2)
    #endif
}

/// Hands the memory the C allocator holds free back to the system, between the nightly run's
/// stages: glibc keeps what a stage freed, so the next stage's peak came on top of the last one's
/// (measured with `Benchmarks/nightly.sh` at 30M observations: the report stage peaked at 415 MB
/// in the run, at 282 MB on its own). Nothing to do where the C library is not glibc.
public func releaseFreedMemory() {
    #if canImport(Glibc)
        // malloc_trim is declared in <malloc.h>, which the Glibc module does not import.
        guard let symbol = dlsym(nil, "malloc_trim") else { return }
        let trim = unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        _ = trim(0)
    #endif
}
