package aggregate

// win32Text holds the system messages of the Windows error codes that IIS
// most often writes in sc-win32-status (winerror.h and winsock2.h values,
// as FormatMessage gives them, without the final period).
var win32Text = map[uint32]string{
	0:     "The operation completed successfully",
	1:     "Incorrect function",
	2:     "The system cannot find the file specified",
	3:     "The system cannot find the path specified",
	5:     "Access is denied",
	6:     "The handle is invalid",
	8:     "Not enough memory resources are available to process this command",
	13:    "The data is invalid",
	32:    "The process cannot access the file because it is being used by another process",
	50:    "The request is not supported",
	53:    "The network path was not found",
	59:    "An unexpected network error occurred",
	64:    "The specified network name is no longer available",
	87:    "The parameter is incorrect",
	121:   "The semaphore timeout period has expired",
	123:   "The filename, directory name, or volume label syntax is incorrect",
	232:   "The pipe is being closed",
	995:   "The I/O operation has been aborted because of either a thread exit or an application request",
	1168:  "Element not found",
	1229:  "An operation was attempted on a nonexistent network connection",
	1236:  "The network connection was aborted by the local system",
	1326:  "The user name or password is incorrect",
	1460:  "This operation returned because the timeout period expired",
	10053: "An established connection was aborted by the software in your host machine",
	10054: "An existing connection was forcibly closed by the remote host",
	10060: "A connection attempt failed because the connected party did not properly respond after a period of time",
	10061: "No connection could be made because the target machine actively refused it",
	// WinINet/WinHTTP errors, logged by Application Request Routing and
	// other proxies in front of a backend.
	12002: "The operation timed out",
	12007: "The server name or address could not be resolved",
	12029: "A connection with the server could not be established",
	12030: "The connection with the server was terminated abnormally",
	12031: "The connection with the server was reset",
	12152: "The server returned an invalid or unrecognized response",
	// HRESULTs IIS and ASP.NET modules log as unsigned values.
	2147500037: "Unspecified error",                                              // 0x80004005 E_FAIL
	2147942402: "The system cannot find the file specified",                      // 0x80070002
	2147942403: "The system cannot find the path specified",                      // 0x80070003
	2147942405: "Access is denied",                                               // 0x80070005
	2147942414: "Not enough memory resources are available",                      // 0x8007000E E_OUTOFMEMORY
	2147942487: "The parameter is incorrect",                                     // 0x80070057 E_INVALIDARG
	2147942464: "The specified network name is no longer available",              // 0x80070040
	2147943395: "The I/O operation has been aborted",                             // 0x800703E3
	2147943629: "An operation was attempted on a nonexistent network connection", // 0x800704CD
	2148074254: "No credentials are available in the security package",           // 0x8009030E SEC_E_NO_CREDENTIALS
}

// Win32Text returns the Windows system message of an IIS sc-win32-status
// value ("The specified network name is no longer available" for 64), or
// "" for a value this table does not know.
func Win32Text(status uint32) string { return win32Text[status] }
