"""The plugin's wire: gRPC over HTTP/2 on the standard library alone.

Terraform launches the plugin three times per plan, and importing ``grpc`` (which imports
asyncio) and the protobuf runtime cost more than everything else before the go-plugin handshake.
This package replaces them on the plugin's runtime path:

- ``hpack``: HPACK header compression (RFC 7541), decoder with Huffman and a stateless encoder;
- ``http2``: the server side of one HTTP/2 connection (RFC 9113), flow control both ways;
- ``grpc``: a gRPC server (unary calls, and server-streaming calls that send no message) over a
  listening unix socket, plaintext h2c or TLS with a pinned client certificate;
- ``tls``: the ``ssl.SSLContext`` go-plugin's AutoMTLS needs (imports ``ssl``; only with TLS).

Messages are bytes here; encoding them is the protobuf codec's business.
"""
