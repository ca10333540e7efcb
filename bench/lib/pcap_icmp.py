"""Reads ICMP / ICMPv6 echo requests and replies, with their capture times, from a pcap file.

Only what the benchmarks capture is supported: classic pcap (not pcapng), microsecond or
nanosecond time stamps, either byte order, link types Ethernet, Linux cooked (v1, v2) and raw IP.

pcap file layout (https://www.tcpdump.org/manpages/pcap-savefile.5.html), all fields in the
byte order given by the magic number:

  global header, 24 bytes                   record header, 16 bytes, then incl_len bytes
  +--------+-----+-----+------+-----+        +---------+-----------+----------+----------+
  | magic  |major|minor| zone | sig |        | ts_sec  | ts_frac   | incl_len | orig_len |
  | 4      | 2   | 2   | 4    | 4   |        | 4       | 4 (us|ns) | 4        | 4        |
  +--------+-----+-----+------+-----+        +---------+-----------+----------+----------+
  | snaplen 4 | linktype 4 |
  +-----------+------------+
  magic a1b2c3d4: ts_frac in microseconds; a1b23c4d: in nanoseconds.

Echo request/reply (RFC 792 for ICMP, RFC 4443 for ICMPv6), after the IP header:

   0       8      16              31
  +-------+-------+---------------+
  | type  | code  |   checksum    |
  +-------+-------+---------------+
  |  identifier   |   sequence    |
  +---------------+---------------+
"""
import collections
import ipaddress
import struct

EchoPacket = collections.namedtuple("EchoPacket", "time_ns kind ident seq src dst")

_MAGICS = {  # magic as read little-endian -> (struct byte-order prefix, ns per ts_frac unit)
    0xA1B2C3D4: ("<", 1000), 0xA1B23C4D: ("<", 1),
    0xD4C3B2A1: (">", 1000), 0x4D3CB2A1: (">", 1),
}
_ECHO = {(4, 8): "request", (4, 0): "reply", (6, 128): "request", (6, 129): "reply"}
_ETH_IPV4, _ETH_IPV6, _ETH_VLAN = 0x0800, 0x86DD, 0x8100


def _network_layer(linktype, frame):
    """Returns the IP packet inside a link-layer frame, or None."""
    if linktype in (101, 228, 229):          # raw IP, raw IPv4, raw IPv6
        return frame
    if linktype == 1:                        # Ethernet
        offset, ethertype = 14, struct.unpack_from(">H", frame, 12)[0]
        while ethertype == _ETH_VLAN and len(frame) >= offset + 4:
            ethertype = struct.unpack_from(">H", frame, offset + 2)[0]
            offset += 4
    elif linktype == 113:                    # Linux cooked v1
        offset, ethertype = 16, struct.unpack_from(">H", frame, 14)[0]
    elif linktype == 276:                    # Linux cooked v2
        offset, ethertype = 20, struct.unpack_from(">H", frame, 0)[0]
    else:
        raise ValueError(f"unsupported pcap link type {linktype}")
    return frame[offset:] if ethertype in (_ETH_IPV4, _ETH_IPV6) else None


def _echo(time_ns, packet):
    if len(packet) < 1:
        return None
    version = packet[0] >> 4
    if version == 4 and len(packet) >= 20 and packet[9] == 1:
        header_len = (packet[0] & 0x0F) * 4
        src, dst = packet[12:16], packet[16:20]
    elif version == 6 and len(packet) >= 40 and packet[6] == 58:
        header_len = 40
        src, dst = packet[8:24], packet[24:40]
    else:
        return None
    icmp = packet[header_len:header_len + 8]
    if len(icmp) < 8 or (version, icmp[0]) not in _ECHO:
        return None
    ident, seq = struct.unpack_from(">HH", icmp, 4)
    return EchoPacket(time_ns, _ECHO[(version, icmp[0])], ident, seq,
                      str(ipaddress.ip_address(src)), str(ipaddress.ip_address(dst)))


def echo_packets(path):
    """Yields an EchoPacket for every ICMP/ICMPv6 echo request or reply in the capture."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError(f"{path}: not a pcap file (too short)")
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic not in _MAGICS:
        raise ValueError(f"{path}: not a classic pcap file (magic {magic:#x})")
    order, frac_ns = _MAGICS[magic]
    linktype = struct.unpack_from(order + "I", data, 20)[0] & 0x0FFFFFFF
    offset = 24
    while offset + 16 <= len(data):
        sec, frac, incl_len, _ = struct.unpack_from(order + "IIII", data, offset)
        frame = data[offset + 16:offset + 16 + incl_len]
        offset += 16 + incl_len
        packet = _network_layer(linktype, frame)
        echo = _echo(sec * 1_000_000_000 + frac * frac_ns, packet) if packet else None
        if echo:
            yield echo
