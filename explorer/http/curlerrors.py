"""libcurl's errors as one line each: which socket, which TLS file or end, or what the engine did.

Part of the transport (explorer.http.transport turns a pycurl.error into these): the one other
module that imports pycurl, for its error codes.
"""
from __future__ import annotations

import os

import pycurl

from explorer.core.errors import EngineError

# curl errors that TLS explains: a failed verification, an unusable file, a refused handshake.
_TLS_CODES = (pycurl.E_PEER_FAILED_VERIFICATION, pycurl.E_SSL_CACERT_BADFILE, pycurl.E_SSL_CERTPROBLEM,
              pycurl.E_SSL_CONNECT_ERROR, pycurl.E_RECV_ERROR, pycurl.E_SEND_ERROR)


def explain(code: int, message: str, endpoint) -> EngineError:
    """The one line for curl error `code` talking to `endpoint` (a timeout and the transport's own
    aborts are the transport's to tell: it knows what came before them)."""
    where = endpoint.display
    if endpoint.tls is not None and code in _TLS_CODES:
        return _tls_problem(endpoint.tls, where, code, message)
    if code == pycurl.E_COULDNT_CONNECT and endpoint.socket:
        return _socket_problem(endpoint.socket, where)
    if code == pycurl.E_COULDNT_CONNECT:
        return EngineError(f"cannot connect to {where}: start the engine or check -H ({message})")
    if code in (pycurl.E_GOT_NOTHING, pycurl.E_RECV_ERROR, pycurl.E_SEND_ERROR):
        return EngineError(f"the engine at {where} closed the connection ({message}); is it still running?")
    if code == pycurl.E_PARTIAL_FILE:
        return EngineError(f"the engine at {where} closed the connection mid-response ({message}); "
                           "is it still running?")
    if code == pycurl.E_OUT_OF_MEMORY:  # what libcurl 7.88 says of a header over its 100 kB limit
        return EngineError(f"the engine at {where} sent more than libcurl takes in (a header over 100 kB?): "
                           f"{message} (curl error {code})")
    if code == pycurl.E_WRITE_ERROR:
        return EngineError("stopped reading the response")
    return EngineError(f"request to {where} failed: {message} (curl error {code})")


def _tls_problem(tls, where: str, code: int, message: str) -> EngineError:
    """One line saying which TLS file or which end failed, for the _TLS_CODES."""
    if code == pycurl.E_PEER_FAILED_VERIFICATION:
        against = tls.ca or "the system's CAs"
        return EngineError(f"TLS: the engine's certificate at {where} failed verification against {against} "
                           f"({message})")
    if code == pycurl.E_SSL_CACERT_BADFILE:
        return EngineError(f"TLS: cannot use {tls.ca} as the CA certificate ({message})")
    if code == pycurl.E_SSL_CERTPROBLEM:
        return EngineError(f"TLS: cannot use the client certificate {tls.cert} with the key {tls.key} ({message})")
    if "wrong version number" in message or "packet length too long" in message:
        return EngineError(f"TLS: {where} does not answer TLS ({message}): is it a plain HTTP port? "
                           "then drop --tls/--tlsverify (or write http://)")
    # The engine ends the handshake with an alert (or just closes) when it does not take our certificate.
    if tls.cert is None and "alert" in message:
        return EngineError(f"TLS: the engine at {where} wants a client certificate: give --tlscert and --tlskey "
                           f"(or cert.pem and key.pem in DOCKER_CERT_PATH) ({message})")
    if tls.cert is not None and ("alert" in message or code == pycurl.E_SEND_ERROR):
        return EngineError(f"TLS: the engine at {where} refused the client certificate {tls.cert} ({message})")
    return EngineError(f"TLS to {where} failed: {message} (curl error {code})")


def _socket_problem(sock: str, where: str) -> EngineError:
    """Why a unix socket refused: missing, not ours to use (the socket or a folder above it), or unheard."""
    try:
        os.stat(sock)
    except PermissionError:  # a folder on the way cannot be entered: the socket may well be there
        return EngineError(f"permission denied on the way to {sock} (a folder above it cannot be entered): "
                           "use sudo, or a socket you may reach")
    except OSError:
        return EngineError(f"no engine socket at {sock}: start the engine, or point -H/DOCKER_HOST at one")
    if not os.access(sock, os.R_OK | os.W_OK):
        return EngineError(f"permission denied on {sock}: use sudo, join the docker group, "
                           "or use the rootless socket (unix://$XDG_RUNTIME_DIR/docker.sock)")
    return EngineError(f"connection refused at {where}: the engine is not listening; start it")
