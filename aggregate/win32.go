package aggregate

// win32Meanings are the sc-win32-status values IIS logs most, with their
// Windows error names (winerror.h, winsock2.h).
var win32Meanings = map[uint32]string{
	0:     "ERROR_SUCCESS: the operation completed",
	2:     "ERROR_FILE_NOT_FOUND: the file does not exist",
	3:     "ERROR_PATH_NOT_FOUND: the path does not exist",
	5:     "ERROR_ACCESS_DENIED: access is denied",
	50:    "ERROR_NOT_SUPPORTED: the request is not supported",
	64:    "ERROR_NETNAME_DELETED: the client closed the connection",
	121:   "ERROR_SEM_TIMEOUT: the connection timed out",
	995:   "ERROR_OPERATION_ABORTED: the I/O was aborted (client gone or app pool recycle)",
	1229:  "ERROR_CONNECTION_INVALID: the connection was not established",
	1236:  "ERROR_CONNECTION_ABORTED: the connection was aborted by the server",
	10053: "WSAECONNABORTED: the connection was aborted",
	10054: "WSAECONNRESET: the connection was reset by the peer",
	10060: "WSAETIMEDOUT: the connection timed out",
}

// Win32Meaning returns the meaning of an IIS sc-win32-status value, or ""
// when it is not one of the common ones.
func Win32Meaning(status uint32) string { return win32Meanings[status] }
