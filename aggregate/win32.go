package aggregate

// win32Text holds the system messages of the Windows error codes that IIS
// most often writes in sc-win32-status (winerror.h and winsock2.h values,
// as FormatMessage gives them, without the final period).
var win32Text = map[uint32]string{
	0:          "The operation completed successfully",
	1:          "Incorrect function",
	2:          "The system cannot find the file specified",
	3:          "The system cannot find the path specified",
	5:          "Access is denied",
	6:          "The handle is invalid",
	8:          "Not enough memory resources are available to process this command",
	13:         "The data is invalid",
	32:         "The process cannot access the file because it is being used by another process",
	50:         "The request is not supported",
	53:         "The network path was not found",
	59:         "An unexpected network error occurred",
	64:         "The specified network name is no longer available",
	87:         "The parameter is incorrect",
	121:        "The semaphore timeout period has expired",
	123:        "The filename, directory name, or volume label syntax is incorrect",
	232:        "The pipe is being closed",
	995:        "The I/O operation has been aborted because of either a thread exit or an application request",
	1168:       "Element not found",
	1229:       "An operation was attempted on a nonexistent network connection",
	1236:       "The network connection was aborted by the local system",
	1326:       "The user name or password is incorrect",
	1460:       "This operation returned because the timeout period expired",
	10053:      "An established connection was aborted by the software in your host machine",
	10054:      "An existing connection was forcibly closed by the remote host",
	10060:      "A connection attempt failed because the connected party did not properly respond after a period of time",
	2148074254: "No credentials are available in the security package", // 0x8009030E SEC_E_NO_CREDENTIALS
}

// Win32Text returns the Windows system message of an IIS sc-win32-status
// value ("The specified network name is no longer available" for 64), or
// "" for a value this table does not know.
func Win32Text(status uint32) string { return win32Text[status] }
