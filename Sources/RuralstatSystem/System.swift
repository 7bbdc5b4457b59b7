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
