package filter

import (
	"slices"
	"testing"

	"github.com/logpipe/logpipe"
)

// topLevel is the spec's shared example "top-level namespaces": in ECS
// mode the event has no top-level field but message and the given ones.
func topLevel(allowed ...string) func(*testing.T, *logpipe.Event) {
	return func(t *testing.T, e *logpipe.Event) {
		t.Helper()
		for _, k := range e.Fields().Keys() {
			if k != "message" && !slices.Contains(allowed, k) {
				t.Errorf("top-level field %q, want only message and %v\nevent: %s", k, allowed, e)
			}
		}
	}
}

// ciscoNS are the top-level fields the Cisco ASA ECS patterns may produce
// (CISCOFW_ALLOWED_TOP_LEVEL_NAMESPACES).
var ciscoNS = []string{"event", "cisco", "observer", "source", "destination"}

// TestGrokSpecFirewalls: logstash-patterns-core spec/patterns/firewalls_spec.rb.
func TestGrokSpecFirewalls(t *testing.T) {
	const (
		m104001   = `(Secondary) Switching to ACTIVE - Service card in other unit has failed`
		m106001   = `ASA-2-106001: Inbound TCP connection denied from 192.168.2.2/43803 to 10.10.10.10/14322 flags SYN on interface out111`
		m106006   = `ASA-2-106006: Deny inbound UDP from 192.168.2.2/65020 to 10.10.10.10/65021 on interface fw111`
		m106014   = `ASA-3-106014: Deny inbound icmp src fw111:10.10.10.10 dst fw111:10.10.10.11(type 8, code 0)`
		m106015   = `Deny TCP (no connection) from 192.168.150.65/2278 to 64.101.128.83/80 flags RST on interface eth0`
		m106021   = `ASA-4-106021: Deny TCP reverse path check from 192.168.2.2 to 10.10.10.10 on interface fw111`
		m106100a  = `access-list inside permitted tcp inside/10.10.123.45(51763) -> outside/192.168.67.89(80) hit-cnt 1 first hit [0x62c4905, 0x0]`
		m106100b  = `access-list outside-entry permitted tcp outside/10.11.12.13(54726) -> inside/192.168.17.18(80) hit-cnt 1 300-second interval [0x32b3835, 0x0]`
		m106023   = `Deny tcp src outside:192.168.1.1/50240 dst inside:192.168.1.2/23 by access-group "S_OUTSIDE_TO_INSIDE" [0x54c7fa80, 0x0]`
		m106023p  = `Deny protocol 103 src outside:192.168.1.1/50240 dst inside:192.168.1.2/23 by access-group "S_OUTSIDE_TO_INSIDE" [0x54c7fa80, 0x0]`
		m106023h  = `Deny tcp src outside:192.168.1.1/50240 dst inside:www.example.com/23 by access-group "S_OUTSIDE_TO_INSIDE" [0x54c7fa80, 0x0]`
		m304001   = `10.20.30.40(DOMAIN\login) Accessed URL 10.11.12.13:http://example.org/`
		m110002   = `ASA-6-110002: Failed to locate egress interface for TCP from sourceInterfaceName:91.240.17.178/7777 to 192.168.2.2/123412`
		m302013   = `ASA-6-302013: Built outbound TCP connection 11757 for outside:100.66.205.104/80 (100.66.205.104/80) to inside:172.31.98.44/1772 (172.31.98.44/1772)`
		m302020   = `302020: Built inbound ICMP connection for faddr 10.137.200.251/18425 gaddr 10.137.10.1/0 laddr 10.137.10.10/0`
		m302021   = `6|Nov 28 2014 12:59:03|302021: Teardown ICMP connection for faddr 10.137.200.251/18425 gaddr 10.137.10.1/0 laddr 10.137.10.10/0`
		m305011   = `Built dynamic TCP translation from inside:172.31.98.44/1772 to outside:100.66.98.44/8256`
		m313001   = `ASA-3-313001: Denied ICMP type=3, code=3 from 10.2.3.5 on interface Outside`
		m313005   = `No matching connection for ICMP error message: icmp src fw111:10.192.33.100 dst fw111:192.18.4.1 (type 3, code 3) on fw111 interface. Original IP payload: udp src 192.18.4.1/53 dst 8.8.8.8/10872.`
		m402117   = `%ASA-4-402117: IPSEC: Received a non-IPSec packet (protocol= ICMP) from 10.5.1.127 to 192.168.6.102.`
		m402119   = `%ASA-4-402119: IPSEC: Received an ESP packet (SPI= 0x1B86506B, sequence number= 0x28B) from 68.18.122.4 (user= Bangalo) to 10.10.1.1 that failed anti-replay checking.`
		m419001   = `%ASA-4-419001: Dropping TCP packet from outside:65.55.184.155/80 to inside:192.168.10.11/49043, reason: MSS exceeded, MSS 1380, data 1460`
		m419002   = `%ASA-4-419002: Duplicate TCP SYN from OUTSIDE:10.10.66.2/65087 to INSIDE:10.10.1.6/443 with different initial sequence number.`
		m602303   = `%ASA-6-602303: IPSEC: An outbound LAN-to-LAN SA (SPI= 0xF81283) between 91.240.17.178 and 192.168.2.2 (user= admin) has been created.`
		m710001   = `%PIX-7-710001: TCP access requested from 192.168.1.2/2354 to inside:192.168.1.1/443`
		m713172   = `%ASA-6-713172: Group = 212.9.5.245, IP = 212.9.5.245, Automatic NAT Detection Status:    Remote end is NOT behind a NAT device    This  end  IS  behind a NAT device`
		m733100   = `%ASA-4-733100: [192.168.2.2] drop rate-1 exceeded. Current burst rate is 0 per second, max configured rate is -4; Current average rate is 7 per second, max configured rate is -5; Cumulative total count is 9063`
		mTagged   = `<191>Jan 24 11:28:30.407: %LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/0, changed state to down`
		mTaggedH  = `<191>Aug  1 14:01:20 abc-asa1: %ASA-6-302013: Built outbound TCP connection 906569140 for out-v1101:10.125.126.86/2010 (10.125.126.86/2010) to ent-v1124:100.100.100.111/51444 (10.125.1.11/37785)`
		mSFW2     = `Jan 29 00:00:28 myth kernel: SFW2-INext-DROP-DEFLT IN=ppp0 OUT= MAC= SRC=24.64.208.134 DST=216.58.112.55 LEN=512 TOS=0x00 PREC=0x00 TTL=70 ID=55012 PROTO=UDP SPT=24128 DPT=1026 LEN=492`
		mSFW2Long = `Mar  8 20:16:44 black kernel: [20474.050964] SFW2-INext-ACC-TCP IN=eth0 OUT= MAC=28:45:a7:f3:18:00:00:22:15:67:6a:25:08:00 SRC=192.168.0.101 DST=192.168.0.100 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=6429 DF PROTO=TCP SPT=59282 DPT=631 WINDOW=14600 RES=0x00 SYN URGP=0 OPT (020405B40402080A00825F5D0000000001030307)`
		mSuSE     = `Mar 8 22:35:42 linux kernel: SuSE-FW-DROP-DEFAULT IN=ppp0 OUT= MAC= SRC=202.175.181.4 DST=64.238.136.187 LEN=48 TOS=0x00 PREC=0x00 TTL=113 ID=31151 DF PROTO=TCP SPT=3360 DPT=3127 WINDOW=65340 RES=0x00 SYN URGP=0 OPT (020405AC01010402)`
		mSFW2In   = `Jan 15 11:21:13 IKCSWeb kernel: SFW2-IN-ACC-RELATED IN=eth1 OUT= MAC=00:19:bb:2e:85:42:00:17:c5:d8:2e:2c:08:00 SRC=59.64.166.81 DST=207.194.99.122 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=48949 DF PROTO=TCP SPT=24093 DPT=22 WINDOW=137 RES=0x00 ACK URGP=0`
		mSFW2v6   = `Jan 15 11:21:13 IKCS-Web kernel: SFW2-INext-ACC-RELATED IN=eth0 OUT=eth1 MAC= SRC=fe80:0000:0000:0000:16da:e9ff:feec:a04d DST=ff02:0000:0000:0000:0000:0000:0000:00fb LEN=527 TC=0 HOPLIMIT=255 FLOWLBL=804001 PROTO=UDP SPT=5353 DPT=5353 LEN=487`
	)
	const f = "firewalls"
	specs := []grokSpec{
		{file: f, name: "104001", pattern: "CISCOFW104001", ecs: true, message: m104001, check: topLevel("event"),
			want: map[string]string{"event": `{"reason":"Service card in other unit has failed"}`, "message": js(m104001)}},
		{file: f, name: "104001", pattern: "CISCOFW104001", message: m104001,
			want: map[string]string{"switch_reason": `"Service card in other unit has failed"`, "message": js(m104001)}},

		{file: f, name: "106001", pattern: "CISCOFW106001", ecs: true, message: m106001, check: topLevel(ciscoNS...), want: map[string]string{
			"source": `{"ip":"192.168.2.2","port":43803}`, "destination": `{"ip":"10.10.10.10","port":14322}`,
			"observer": `{"egress":{"interface":{"name":"out111"}}}`, "[cisco][asa][network]": `{"transport":"TCP","direction":"Inbound"}`,
			"[cisco][asa][tcp_flags]": `"SYN"`, "message": js(m106001)}},
		{file: f, name: "106001", pattern: "CISCOFW106001", message: m106001,
			want: map[string]string{"src_ip": `"192.168.2.2"`, "src_port": `"43803"`, "message": js(m106001)}},

		{file: f, name: "106006", pattern: "CISCOFW106006_106007_106010", ecs: true, message: m106006, check: topLevel(ciscoNS...), want: map[string]string{
			"cisco":  `{"asa":{"network":{"direction":"inbound","transport":"UDP"},"outcome":"Deny"}}`,
			"source": `{"ip":"192.168.2.2","port":65020}`, "destination": `{"ip":"10.10.10.10","port":65021}`,
			"observer": `{"egress":{"interface":{"name":"fw111"}}}`, "message": js(m106006)}},
		{file: f, name: "106006", pattern: "CISCOFW106006_106007_106010", message: m106006,
			want: map[string]string{"src_ip": `"192.168.2.2"`, "src_port": `"65020"`, "message": js(m106006)}},

		// Legacy mode does not match (it wants a blank before "(type"); see below.
		{file: f, name: "106014", pattern: "CISCOFW106014", ecs: true, message: m106014, check: topLevel(ciscoNS...), want: map[string]string{
			"source": `{"ip":"10.10.10.10"}`, "destination": `{"ip":"10.10.10.11"}`,
			"cisco":    `{"asa":{"outcome":"Deny","network":{"transport":"icmp","direction":"inbound"},"icmp_code":0,"icmp_type":8}}`,
			"observer": `{"ingress":{"interface":{"name":"fw111"}},"egress":{"interface":{"name":"fw111"}}}`, "message": js(m106014)}},

		{file: f, name: "106015", pattern: "CISCOFW106015", ecs: true, message: m106015, check: topLevel(ciscoNS...),
			want: map[string]string{"observer": `{"egress":{"interface":{"name":"eth0"}}}`, "message": js(m106015)}},
		{file: f, name: "106015", pattern: "CISCOFW106015", message: m106015,
			want: map[string]string{"interface": `"eth0"`, "message": js(m106015)}},

		{file: f, name: "106021", pattern: "CISCOFW106021", ecs: true, message: m106021, check: topLevel(ciscoNS...), want: map[string]string{
			"source": `{"ip":"192.168.2.2"}`, "destination": `{"ip":"10.10.10.10"}`,
			"cisco": `{"asa":{"network":{"transport":"TCP"},"outcome":"Deny"}}`, "observer": `{"egress":{"interface":{"name":"fw111"}}}`, "message": js(m106021)}},
		{file: f, name: "106021", pattern: "CISCOFW106021", message: m106021,
			want: map[string]string{"interface": `"fw111"`, "message": js(m106021)}},

		{file: f, name: "106100 first hit", pattern: "CISCOFW106100", ecs: true, message: m106100a, check: topLevel(ciscoNS...),
			want: map[string]string{"[cisco][asa][rule_name]": `"inside"`, "message": js(m106100a)}},
		{file: f, name: "106100 first hit", pattern: "CISCOFW106100", message: m106100a,
			want: map[string]string{"policy_id": `"inside"`, "message": js(m106100a)}},
		{file: f, name: "106100 interval", pattern: "CISCOFW106100", ecs: true, message: m106100b, check: topLevel(ciscoNS...),
			want: map[string]string{"[cisco][asa][rule_name]": `"outside-entry"`, "message": js(m106100b)}},
		{file: f, name: "106100 interval", pattern: "CISCOFW106100", message: m106100b,
			want: map[string]string{"policy_id": `"outside-entry"`, "message": js(m106100b)}},

		{file: f, name: "106023", pattern: "CISCOFW106023", ecs: true, message: m106023, check: topLevel(ciscoNS...), want: map[string]string{
			"source":   `{"ip":"192.168.1.1","port":50240}`,
			"observer": `{"egress":{"interface":{"name":"inside"}},"ingress":{"interface":{"name":"outside"}}}`,
			"cisco":    `{"asa":{"outcome":"Deny","network":{"transport":"tcp"},"rule_name":"S_OUTSIDE_TO_INSIDE"}}`, "message": js(m106023)}},
		{file: f, name: "106023", pattern: "CISCOFW106023", message: m106023, want: map[string]string{
			"action": `"Deny"`, "src_interface": `"outside"`, "dst_interface": `"inside"`, "protocol": `"tcp"`,
			"src_ip": `"192.168.1.1"`, "dst_ip": `"192.168.1.2"`, "policy_id": `"S_OUTSIDE_TO_INSIDE"`, "message": js(m106023)}},
		{file: f, name: "106023 protocol number", pattern: "CISCOFW106023", ecs: true, message: m106023p, want: map[string]string{
			"destination": `{"ip":"192.168.1.2","port":23}`,
			"cisco":       `{"asa":{"outcome":"Deny","network":{"transport":"103"},"rule_name":"S_OUTSIDE_TO_INSIDE"}}`}},
		{file: f, name: "106023 protocol number", pattern: "CISCOFW106023", message: m106023p, want: map[string]string{
			"action": `"Deny"`, "src_interface": `"outside"`, "dst_interface": `"inside"`, "protocol": `"103"`,
			"src_ip": `"192.168.1.1"`, "dst_ip": `"192.168.1.2"`, "policy_id": `"S_OUTSIDE_TO_INSIDE"`}},
		{file: f, name: "106023 hostname", pattern: "CISCOFW106023", ecs: true, message: m106023h, want: map[string]string{
			"destination": `{"port":23,"address":"www.example.com"}`, "source": `{"port":50240,"ip":"192.168.1.1"}`,
			"observer": `{"ingress":{"interface":{"name":"outside"}},"egress":{"interface":{"name":"inside"}}}`}},
		{file: f, name: "106023 hostname", pattern: "CISCOFW106023", message: m106023h, want: map[string]string{
			"action": `"Deny"`, "src_interface": `"outside"`, "dst_interface": `"inside"`, "protocol": `"tcp"`,
			"src_ip": `"192.168.1.1"`, "dst_ip": `"www.example.com"`, "policy_id": `"S_OUTSIDE_TO_INSIDE"`}},

		{file: f, name: "304001", pattern: "CISCOFW304001", ecs: true, message: m304001, check: topLevel(append(ciscoNS, "url")...), want: map[string]string{
			"source": `{"ip":"10.20.30.40","user":{"name":"DOMAIN\\login"}}`, "url": `{"original":"http://example.org/"}`}},
		{file: f, name: "304001", pattern: "CISCOFW304001", message: m304001, want: map[string]string{
			"src_ip": `"10.20.30.40"`, "src_fwuser": `"DOMAIN\\login"`, "dst_ip": `"10.11.12.13"`, "dst_url": `"http://example.org/"`}},

		{file: f, name: "110002", pattern: "CISCOFW110002", ecs: true, message: m110002, check: topLevel(ciscoNS...), want: map[string]string{
			"event": `{"reason":"Failed to locate egress interface"}`, "cisco": `{"asa":{"network":{"transport":"TCP"}}}`,
			"source": `{"port":7777,"ip":"91.240.17.178"}`, "observer": `{"ingress":{"interface":{"name":"sourceInterfaceName"}}}`,
			"destination": `{"port":123412,"ip":"192.168.2.2"}`}},
		{file: f, name: "110002", pattern: "CISCOFW110002", message: m110002,
			want: map[string]string{"src_ip": `"91.240.17.178"`, "dst_ip": `"192.168.2.2"`}},

		{file: f, name: "302013", pattern: "CISCOFW302013_302014_302015_302016", ecs: true, message: m302013, check: topLevel(ciscoNS...), want: map[string]string{
			"source":   `{"ip":"100.66.205.104","port":80,"nat":{"ip":"100.66.205.104","port":80}}`,
			"cisco":    `{"asa":{"network":{"direction":"outbound","transport":"TCP"},"outcome":"Built","connection_id":"11757"}}`,
			"observer": `{"egress":{"interface":{"name":"inside"}},"ingress":{"interface":{"name":"outside"}}}`}},
		{file: f, name: "302013", pattern: "CISCOFW302013_302014_302015_302016", message: m302013,
			want: map[string]string{"src_ip": `"100.66.205.104"`, "dst_ip": `"172.31.98.44"`}},

		{file: f, name: "302020", pattern: "CISCOFW302020_302021", ecs: true, message: m302020, check: topLevel(ciscoNS...), want: map[string]string{
			"cisco":  `{"asa":{"outcome":"Built","icmp_seq":18425,"network":{"direction":"inbound","transport":"ICMP"},"icmp_type":0}}`,
			"source": `{"nat":{"ip":"10.137.10.1"},"ip":"10.137.10.10"}`, "destination": `{"ip":"10.137.200.251"}`}},
		{file: f, name: "302020", pattern: "CISCOFW302020_302021", message: m302020,
			want: map[string]string{"src_ip": `"10.137.10.10"`, "dst_ip": `"10.137.200.251"`}},
		{file: f, name: "302021", pattern: "CISCOFW302020_302021", ecs: true, message: m302021, want: map[string]string{
			"cisco":  `{"asa":{"outcome":"Teardown","network":{"transport":"ICMP"},"icmp_seq":18425,"icmp_type":0}}`,
			"source": `{"nat":{"ip":"10.137.10.1"},"ip":"10.137.10.10"}`, "destination": `{"ip":"10.137.200.251"}`}},
		{file: f, name: "302021", pattern: "CISCOFW302020_302021", message: m302021,
			want: map[string]string{"src_ip": `"10.137.10.10"`, "dst_ip": `"10.137.200.251"`}},

		{file: f, name: "305011", pattern: "CISCOFW305011", ecs: true, message: m305011, check: topLevel(ciscoNS...), want: map[string]string{
			"source": `{"ip":"172.31.98.44","port":1772}`, "destination": `{"ip":"100.66.98.44","port":8256}`,
			"observer": `{"ingress":{"interface":{"name":"inside"}},"egress":{"interface":{"name":"outside"}}}`,
			"cisco":    `{"asa":{"network":{"transport":"TCP"},"outcome":"Built"}}`}},
		{file: f, name: "305011", pattern: "CISCOFW305011", message: m305011, want: map[string]string{
			"src_ip": `"172.31.98.44"`, "src_xlated_ip": `"100.66.98.44"`, "src_xlated_interface": `"outside"`, "src_interface": `"inside"`}},

		{file: f, name: "313001", pattern: "CISCOFW313001_313004_313008", ecs: true, message: m313001, check: topLevel(ciscoNS...), want: map[string]string{
			"source": `{"ip":"10.2.3.5"}`, "cisco": `{"asa":{"outcome":"Denied","network":{"transport":"ICMP"},"icmp_type":3,"icmp_code":3}}`}},
		{file: f, name: "313001", pattern: "CISCOFW313001_313004_313008", message: m313001,
			want: map[string]string{"src_ip": `"10.2.3.5"`}},

		// Legacy mode does not match (it wants two blanks after "interface."); see below.
		{file: f, name: "313005", pattern: "CISCOFW313005", ecs: true, message: m313005, check: topLevel(ciscoNS...), want: map[string]string{
			"event": `{"reason":"No matching connection"}`, "source": `{"ip":"10.192.33.100"}`, "destination": `{"ip":"192.18.4.1"}`,
			"observer": `{"ingress":{"interface":{"name":"fw111"}},"egress":{"interface":{"name":"fw111"}}}`,
			"cisco": `{"asa":{"icmp_type":3,"icmp_code":3,"network":{"transport":"ICMP"},"original_ip_payload":{` +
				`"destination":{"ip":"8.8.8.8","port":10872},"network":{"transport":"udp"},"source":{"ip":"192.18.4.1","port":53}}}}`}},

		{file: f, name: "402117", pattern: "CISCOFW402117", ecs: true, message: m402117, check: topLevel("cisco", "source", "destination"), want: map[string]string{
			"cisco": `{"asa":{"network":{"transport":"ICMP","type":"IPSEC"}}}`, "source": `{"ip":"10.5.1.127"}`, "destination": `{"ip":"192.168.6.102"}`}},
		{file: f, name: "402117", pattern: "CISCOFW402117", message: m402117, want: map[string]string{
			"src_ip": `"10.5.1.127"`, "orig_protocol": `"ICMP"`, "protocol": `"IPSEC"`, "dst_ip": `"192.168.6.102"`}},

		{file: f, name: "402119", pattern: "CISCOFW402119", ecs: true, message: m402119, check: topLevel("cisco", "source", "destination"), want: map[string]string{
			"destination": `{"ip":"10.10.1.1"}`,
			"cisco":       `{"asa":{"ipsec":{"spi":"0x1B86506B","protocol":"ESP","seq_num":"0x28B"},"network":{"type":"IPSEC"}}}`,
			"source":      `{"ip":"68.18.122.4","user":{"name":"Bangalo"}}`}},
		{file: f, name: "402119", pattern: "CISCOFW402119", message: m402119, want: map[string]string{
			"dst_ip": `"10.10.1.1"`, "src_ip": `"68.18.122.4"`, "spi": `"0x1B86506B"`, "seq_num": `"0x28B"`,
			"protocol": `"IPSEC"`, "orig_protocol": `"ESP"`, "user": `"Bangalo"`}},

		{file: f, name: "419001", pattern: "CISCOFW419001", ecs: true, message: m419001, check: topLevel(ciscoNS...), want: map[string]string{
			"source": `{"port":80,"ip":"65.55.184.155"}`, "destination": `{"port":49043,"ip":"192.168.10.11"}`,
			"cisco":    `{"asa":{"outcome":"Dropping","network":{"transport":"TCP"}}}`,
			"observer": `{"ingress":{"interface":{"name":"outside"}},"egress":{"interface":{"name":"inside"}}}`,
			"event":    `{"reason":"MSS exceeded, MSS 1380, data 1460"}`}},
		{file: f, name: "419001", pattern: "CISCOFW419001", message: m419001, want: map[string]string{
			"src_ip": `"65.55.184.155"`, "src_port": `"80"`, "src_interface": `"outside"`,
			"dst_ip": `"192.168.10.11"`, "dst_port": `"49043"`, "dst_interface": `"inside"`,
			"protocol": `"TCP"`, "action": `"Dropping"`, "reason": `"MSS exceeded, MSS 1380, data 1460"`}},

		{file: f, name: "419002", pattern: "CISCOFW419002", ecs: true, message: m419002, check: topLevel(ciscoNS...), want: map[string]string{
			"event": `{"reason":"Duplicate TCP SYN"}`, "source": `{"port":65087,"ip":"10.10.66.2"}`, "destination": `{"port":443,"ip":"10.10.1.6"}`,
			"observer": `{"egress":{"interface":{"name":"INSIDE"}},"ingress":{"interface":{"name":"OUTSIDE"}}}`}},
		{file: f, name: "419002", pattern: "CISCOFW419002", message: m419002, want: map[string]string{
			"src_ip": `"10.10.66.2"`, "src_port": `"65087"`, "src_interface": `"OUTSIDE"`,
			"dst_ip": `"10.10.1.6"`, "dst_port": `"443"`, "dst_interface": `"INSIDE"`, "reason": `"Duplicate TCP SYN"`}},

		{file: f, name: "602303", pattern: "CISCOFW602303_602304", ecs: true, message: m602303, check: topLevel(ciscoNS...), want: map[string]string{
			"cisco":       `{"asa":{"network":{"direction":"outbound","type":"IPSEC"},"outcome":"created","ipsec":{"spi":"0xF81283","tunnel_type":"LAN-to-LAN"}}}`,
			"destination": `{"ip":"192.168.2.2"}`, "source": `{"ip":"91.240.17.178","user":{"name":"admin"}}`}},
		{file: f, name: "602303", pattern: "CISCOFW602303_602304", message: m602303, want: map[string]string{
			"protocol": `"IPSEC"`, "direction": `"outbound"`, "tunnel_type": `"LAN-to-LAN"`, "src_ip": `"91.240.17.178"`,
			"dst_ip": `"192.168.2.2"`, "spi": `"0xF81283"`, "user": `"admin"`, "action": `"created"`}},

		{file: f, name: "710001", pattern: "CISCOFW710001_710002_710003_710005_710006", ecs: true, message: m710001, check: topLevel(ciscoNS...), want: map[string]string{
			"source": `{"ip":"192.168.1.2","port":2354}`, "destination": `{"ip":"192.168.1.1","port":443}`,
			"observer": `{"egress":{"interface":{"name":"inside"}}}`, "cisco": `{"asa":{"outcome":"requested","network":{"transport":"TCP"}}}`}},
		{file: f, name: "710001", pattern: "CISCOFW710001_710002_710003_710005_710006", message: m710001, want: map[string]string{
			"src_ip": `"192.168.1.2"`, "src_port": `"2354"`, "dst_ip": `"192.168.1.1"`, "dst_port": `"443"`,
			"dst_interface": `"inside"`, "action": `"requested"`}},

		{file: f, name: "713172", pattern: "CISCOFW713172", ecs: true, message: m713172, check: topLevel(ciscoNS...), want: map[string]string{
			"source": `{"ip":"212.9.5.245"}`, "cisco": `{"asa":{"source":{"group":"212.9.5.245"}}}`,
			"[@metadata][cisco]": `{"asa":{"local_nat":"IS","remote_nat":"is NOT"}}`}},
		{file: f, name: "713172", pattern: "CISCOFW713172", message: m713172, want: map[string]string{
			"group": `"212.9.5.245"`, "src_ip": `"212.9.5.245"`, "is_local_natted": `"IS"`, "is_remote_natted": `"is NOT"`}},

		{file: f, name: "733100", pattern: "CISCOFW733100", ecs: true, message: m733100, check: topLevel(ciscoNS...), want: map[string]string{
			"cisco": `{"asa":{"burst":{"object":"192.168.2.2","id":"rate-1","configured_rate":-4,"current_rate":0,"avg_rate":7,"configured_avg_rate":-5,"cumulative_count":9063}}}`}},
		{file: f, name: "733100", pattern: "CISCOFW733100", message: m733100, want: map[string]string{
			"drop_type": `"192.168.2.2"`, "drop_rate_id": `"rate-1"`, "drop_rate_current_avg": `"7"`, "drop_total_count": `"9063"`,
			"drop_rate_current_burst": `"0"`, "drop_rate_max_burst": `"-4"`, "drop_rate_max_avg": `"-5"`}},

		{file: f, name: "tagged", pattern: "CISCO_TAGGED_SYSLOG", ecs: true, message: mTagged, want: map[string]string{
			"timestamp": `"Jan 24 11:28:30.407"`, "log": `{"syslog":{"priority":191}}`, "cisco": `{"asa":{"tag":"LINEPROTO-5-UPDOWN"}}`}},
		{file: f, name: "tagged", pattern: "CISCO_TAGGED_SYSLOG", message: mTagged, want: map[string]string{
			"timestamp": `"Jan 24 11:28:30.407"`, "syslog_pri": `"191"`, "ciscotag": `"LINEPROTO-5-UPDOWN"`}},
		{file: f, name: "tagged with host", pattern: "CISCO_TAGGED_SYSLOG", ecs: true, message: mTaggedH, want: map[string]string{
			"timestamp": `"Aug  1 14:01:20"`, "log": `{"syslog":{"priority":191}}`, "host": `{"hostname":"abc-asa1"}`, "cisco": `{"asa":{"tag":"ASA-6-302013"}}`}},
		{file: f, name: "tagged with host", pattern: "CISCO_TAGGED_SYSLOG", message: mTaggedH, want: map[string]string{
			"timestamp": `"Aug  1 14:01:20"`, "syslog_pri": `"191"`, "sysloghost": `"abc-asa1"`, "ciscotag": `"ASA-6-302013"`}},

		// The second LEN=492 (the UDP length) is not captured.
		{file: f, name: "SFW2", pattern: "SFW2", ecs: true, message: mSFW2, want: map[string]string{
			"timestamp": `"Jan 29 00:00:28"`, "observer": `{"hostname":"myth","ingress":{"interface":{"name":"ppp0"}}}`,
			"suse":   `{"firewall":{"action":"DROP-DEFLT","log_prefix":"SFW2-INext-DROP-DEFLT"}}`,
			"source": `{"ip":"24.64.208.134","port":24128}`, "destination": `{"ip":"216.58.112.55","port":1026}`,
			"iptables": `{"length":512,"id":"55012","ttl":70,"tos":"00","precedence_bits":"00"}`, "network": `{"transport":"UDP"}`}},
		{file: f, name: "SFW2", pattern: "SFW2", message: mSFW2, want: map[string]string{
			"nf_action": `"DROP-DEFLT"`, "nf_in_interface": `"ppp0"`, "nf_src_ip": `"24.64.208.134"`, "nf_dst_ip": `"216.58.112.55"`, "nf_protocol": `"UDP"`}},
		{file: f, name: "SFW2 long message", pattern: "SFW2", ecs: true, message: mSFW2Long, want: map[string]string{
			"timestamp": `"Mar  8 20:16:44"`, "observer": `{"hostname":"black","ingress":{"interface":{"name":"eth0"}}}`,
			"suse":        `{"firewall":{"action":"ACC-TCP","log_prefix":"SFW2-INext-ACC-TCP"}}`,
			"source":      `{"mac":"00:22:15:67:6a:25","ip":"192.168.0.101","port":59282}`,
			"destination": `{"mac":"28:45:a7:f3:18:00","ip":"192.168.0.100","port":631}`,
			"iptables": `{"length":60,"id":"6429","tos":"00","fragment_flags":"DF","ttl":64,"precedence_bits":"00",` +
				`"tcp":{"flags":"SYN ","window":14600},"tcp_reserved_bits":"00"}`,
			"network": `{"transport":"TCP"}`}},
		{file: f, name: "SFW2 long message", pattern: "SFW2", message: mSFW2Long, want: map[string]string{
			"nagios_epoch": `"20474.050964"`, "nf_action": `"ACC-TCP"`, "nf_in_interface": `"eth0"`, "nf_dst_port": `"631"`,
			"nf_dst_mac": `"28:45:a7:f3:18:00"`, "nf_src_mac": `"00:22:15:67:6a:25"`, "nf_dst_ip": `"192.168.0.100"`,
			"nf_src_ip": `"192.168.0.101"`, "nf_src_port": `"59282"`, "nf_protocol": `"TCP"`}},
		// Logstash marks the numeric ttl and length "pending" (a grok
		// type-casting issue); logpipe converts both.
		{file: f, name: "SFW2 IPv6", pattern: "SFW2", ecs: true, message: mSFW2v6, want: map[string]string{
			"[iptables][flow_label]": `"804001"`, "[iptables][ttl]": `255`, "[iptables][length]": `527`,
			"observer":    `{"hostname":"IKCS-Web","ingress":{"interface":{"name":"eth0"}},"egress":{"interface":{"name":"eth1"}}}`,
			"source":      `{"ip":"fe80:0000:0000:0000:16da:e9ff:feec:a04d","port":5353}`,
			"destination": `{"ip":"ff02:0000:0000:0000:0000:0000:0000:00fb","port":5353}`, "network": `{"transport":"UDP"}`}},
		{file: f, name: "SFW2 IPv6", pattern: "SFW2", message: mSFW2v6, want: map[string]string{
			"nf_src_ip": `"fe80:0000:0000:0000:16da:e9ff:feec:a04d"`, "nf_dst_ip": `"ff02:0000:0000:0000:0000:0000:0000:00fb"`, "nf_protocol": `"UDP"`}},
	}
	runGrokSpecs(t, specs)
	runGrokNoMatch(t, []grokNoMatch{
		{file: f, name: "106014", pattern: "CISCOFW106014", message: m106014},
		{file: f, name: "313005", pattern: "CISCOFW313005", message: m313005},
		// By default only SFW2-INext-* prefixes match.
		{file: f, name: "SuSE-FW-DROP-DEFAULT", pattern: "SFW2", message: mSuSE},
		{file: f, name: "SuSE-FW-DROP-DEFAULT", pattern: "SFW2", ecs: true, message: mSuSE},
		{file: f, name: "SFW2-IN-ACC-RELATED", pattern: "SFW2", message: mSFW2In},
		{file: f, name: "SFW2-IN-ACC-RELATED", pattern: "SFW2", ecs: true, message: mSFW2In},
	})
}

// TestGrokSpecJunos: logstash-patterns-core spec/patterns/junos_spec.rb.
func TestGrokSpecJunos(t *testing.T) {
	const (
		flow1 = `Dec 17 08:05:30 RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed TCP FIN: 10.10.10.2/53836->10.10.10.1/22 junos-ssh` +
			` 10.10.10.2/53836->10.10.10.1/22 None None 6 log-host-traffic untrust junos-host 5 78(6657) 122(13305) 45` +
			` UNKNOWN UNKNOWN N/A(N/A) ge-0/0/1.0 No `
		flow2 = `Dec 17 08:04:45 RT_FLOW: RT_FLOW_SESSION_CREATE: session created 10.10.10.2/53836->10.10.10.1/22` +
			` junos-ssh 10.10.10.2/53836->10.10.10.1/22 None None 6 log-host-traffic untrust junos-host 5 N/A(N/A) ge-0/0/1.0`
		flow3 = `Sep 29 23:49:20 SRX-1 RT_FLOW: RT_FLOW_SESSION_DENY: session denied 10.0.0.1/54924->192.168.1.1/53 junos-dns-udp ` +
			`17(0) default-deny(global) trust trust UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 UNKNOWN policy deny`
	)
	const f = "junos"
	runGrokSpecs(t, []grokSpec{
		{file: f, name: "close", pattern: "RT_FLOW1", ecs: true, message: flow1, want: map[string]string{
			"source":      `{"ip":"10.10.10.2","port":53836,"nat":{"ip":"10.10.10.2","port":53836},"bytes":6657}`,
			"destination": `{"ip":"10.10.10.1","port":22,"nat":{"ip":"10.10.10.1","port":22},"bytes":13305}`,
			"observer":    `{"egress":{"zone":"junos-host"},"ingress":{"zone":"untrust"}}`,
			"rule":        `{"name":"log-host-traffic"}`, "network": `{"iana_number":"6"}`,
			"juniper": `{"srx":{"tag":"RT_FLOW_SESSION_CLOSE","reason":"session closed TCP FIN","session_id":"5","service_name":"junos-ssh","elapsed_time":45}}`}},
		{file: f, name: "close", pattern: "RT_FLOW1", message: flow1, want: map[string]string{
			"event": `"RT_FLOW_SESSION_CLOSE"`, "close-reason": `"session closed TCP FIN"`,
			"src-ip": `"10.10.10.2"`, "src-port": `"53836"`, "nat-src-ip": `"10.10.10.2"`, "nat-src-port": `"53836"`,
			"dst-ip": `"10.10.10.1"`, "dst-port": `"22"`, "nat-dst-ip": `"10.10.10.1"`, "nat-dst-port": `"22"`,
			"src-nat-rule-name": `"None"`, "dst-nat-rule-name": `"None"`, "protocol-id": `"6"`, "policy-name": `"log-host-traffic"`,
			"from-zone": `"untrust"`, "to-zone": `"junos-host"`, "service": `"junos-ssh"`, "session-id": `"5"`,
			"sent": `"6657"`, "received": `"13305"`, "elapsed-time": `"45"`}},
		{file: f, name: "create", pattern: "RT_FLOW2", ecs: true, message: flow2, want: map[string]string{
			"source":      `{"ip":"10.10.10.2","port":53836,"nat":{"ip":"10.10.10.2","port":53836}}`,
			"destination": `{"ip":"10.10.10.1","port":22,"nat":{"ip":"10.10.10.1","port":22}}`,
			"observer":    `{"ingress":{"zone":"untrust"},"egress":{"zone":"junos-host"}}`, "network": `{"iana_number":"6"}`,
			"juniper": `{"srx":{"service_name":"junos-ssh","session_id":"5","tag":"RT_FLOW_SESSION_CREATE"}}`, "rule": `{"name":"log-host-traffic"}`}},
		{file: f, name: "create", pattern: "RT_FLOW2", message: flow2, want: map[string]string{
			"event": `"RT_FLOW_SESSION_CREATE"`, "src-ip": `"10.10.10.2"`, "src-port": `"53836"`, "dst-ip": `"10.10.10.1"`, "dst-port": `"22"`,
			"service": `"junos-ssh"`, "nat-src-ip": `"10.10.10.2"`, "nat-src-port": `"53836"`, "nat-dst-ip": `"10.10.10.1"`, "nat-dst-port": `"22"`,
			"src-nat-rule-name": `"None"`, "dst-nat-rule-name": `"None"`, "protocol-id": `"6"`, "policy-name": `"log-host-traffic"`,
			"from-zone": `"untrust"`, "to-zone": `"junos-host"`, "session-id": `"5"`}},
		{file: f, name: "deny", pattern: "RT_FLOW3", ecs: true, message: flow3, want: map[string]string{
			"source": `{"ip":"10.0.0.1","port":54924}`, "destination": `{"ip":"192.168.1.1","port":53}`,
			"juniper": `{"srx":{"service_name":"junos-dns-udp","tag":"RT_FLOW_SESSION_DENY"}}`, "network": `{"iana_number":"17"}`,
			"observer": `{"egress":{"zone":"trust"},"ingress":{"zone":"trust"}}`, "rule": `{"name":"default-deny(global)"}`}},
		{file: f, name: "deny", pattern: "RT_FLOW3", message: flow3, want: map[string]string{
			"event": `"RT_FLOW_SESSION_DENY"`, "src-ip": `"10.0.0.1"`, "dst-ip": `"192.168.1.1"`, "src-port": `"54924"`, "dst-port": `"53"`,
			"protocol-id": `"17"`, "from-zone": `"trust"`, "to-zone": `"trust"`, "service": `"junos-dns-udp"`, "policy-name": `"default-deny(global)"`}},
	})
}

// TestGrokSpecNetscreen: logstash-patterns-core spec/patterns/netscreen_spec.rb.
func TestGrokSpecNetscreen(t *testing.T) {
	const (
		juniper = `Jun  2 14:53:31 sample-host isg1000-A2: NetScreen device_id=0000011001000011 [Root]system-notification-00257(traffic): ` +
			`start_time="2015-11-11 10:02:10" duration=0 policy_id=244 service=https proto=6 src zone=Untrust dst zone=Trust ` +
			`action=Permit sent=0 rcvd=0 src=74.168.138.252 dst=72.72.72.72 src_port=1732 dst_port=443 ` +
			`src-xlated ip=1.255.20.1 port=22041 dst-xlated ip=1.244.136.50 port=443 session_id=488451 reason=Creation`
		short = `Mar 18 17:56:52 192.168.56.11 lowly_lizard: NetScreen device_id=netscreen2 [Root]system-notification-00257(traffic): ` +
			`start_time="2009-03-18 16:07:06" duration=0 policy_id=320001 service=msrpc Endpoint Mapper(tcp) proto=6 ` +
			`src zone=Null dst zone=self action=Deny sent=0 rcvd=16384 src=21.10.90.125 dst=23.16.1.1`
		standard = `Jun  2 14:53:31 fire00 aka1: NetScreen device_id=aka1  [Root]system-notification-00257(traffic): start_time="2006-06-02 14:53:30" ` +
			`duration=0 policy_id=120 service=udp/port:17210 proto=17 src zone=Trust dst zone=DMZ action=Deny sent=0 rcvd=0 ` +
			`src=192.168.2.2 dst=1.2.3.4 src_port=53 dst_port=17210`
		withSession = standard + ` session_id=0 reason=Traffic Denied`
	)
	const f = "netscreen"
	runGrokSpecs(t, []grokSpec{
		{file: f, name: "traffic denied (Juniper)", pattern: "NETSCREENSESSIONLOG", ecs: true, message: juniper, want: map[string]string{
			"timestamp": `"Jun  2 14:53:31"`,
			"netscreen": `{"session":{"id":"488451","start_time":"2015-11-11 10:02:10","duration":0,"type":"traffic","reason":"Creation"},` +
				`"policy_id":"244","service":"https","protocol_number":6,"device_id":"0000011001000011"}`,
			"event":       `{"code":"00257","action":"Permit"}`,
			"source":      `{"bytes":0,"nat":{"port":22041,"ip":"1.255.20.1"},"port":1732,"address":"74.168.138.252"}`,
			"destination": `{"bytes":0,"nat":{"port":443,"ip":"1.244.136.50"},"port":443,"address":"72.72.72.72"}`,
			"observer":    `{"ingress":{"zone":"Untrust"},"hostname":"sample-host","name":"isg1000-A2","product":"NetScreen","egress":{"zone":"Trust"}}`}},
		{file: f, name: "traffic denied (Juniper)", pattern: "NETSCREENSESSIONLOG", message: juniper, want: map[string]string{
			"date": `"Jun  2 14:53:31"`, "device": `"sample-host"`, "device_id": `"0000011001000011"`,
			"start_time": `"\"2015-11-11 10:02:10\""`, "duration": `"0"`, "policy_id": `"244"`, "service": `"https"`, "proto": `"6"`,
			"src_zone": `"Untrust"`, "dst_zone": `"Trust"`, "action": `"Permit"`, "sent": `"0"`, "rcvd": `"0"`,
			"src_ip": `"74.168.138.252"`, "dst_ip": `"72.72.72.72"`, "src_port": `"1732"`, "dst_port": `"443"`,
			"src_xlated_ip": `"1.255.20.1"`, "src_xlated_port": `"22041"`, "dst_xlated_ip": `"1.244.136.50"`, "dst_xlated_port": `"443"`,
			"session_id": `"488451"`, "reason": `"Creation"`}},
		{file: f, name: "without port/xlated/session suffix", pattern: "NETSCREENSESSIONLOG", ecs: true, message: short, want: map[string]string{
			"timestamp": `"Mar 18 17:56:52"`,
			"netscreen": `{"device_id":"netscreen2","policy_id":"320001","service":"msrpc Endpoint Mapper(tcp)","protocol_number":6,` +
				`"session":{"start_time":"2009-03-18 16:07:06","type":"traffic","duration":0}}`,
			"source": `{"address":"21.10.90.125","bytes":0}`, "destination": `{"address":"23.16.1.1","bytes":16384}`}},
		{file: f, name: "standard traffic denied", pattern: "NETSCREENSESSIONLOG", ecs: true, message: standard, want: map[string]string{
			"event": `{"action":"Deny","code":"00257"}`}},
		{file: f, name: "standard traffic denied with session id", pattern: "NETSCREENSESSIONLOG", ecs: true, message: withSession, want: map[string]string{
			"[netscreen][device_id]": `"aka1"`, "[netscreen][service]": `"udp/port:17210"`, "[netscreen][session][reason]": `"Traffic Denied"`,
			"observer": `{"ingress":{"zone":"Trust"},"egress":{"zone":"DMZ"},"hostname":"fire00","name":"aka1","product":"NetScreen"}`}},
	})
	runGrokNoMatch(t, []grokNoMatch{
		{file: f, name: "without port/xlated/session suffix", pattern: "NETSCREENSESSIONLOG", message: short},
		{file: f, name: "standard traffic denied", pattern: "NETSCREENSESSIONLOG", message: standard, absent: []string{"date"}},
		{file: f, name: "standard traffic denied with session id", pattern: "NETSCREENSESSIONLOG", message: withSession, absent: []string{"date"}},
	})
}

// TestGrokSpecShorewall: logstash-patterns-core spec/patterns/shorewall_spec.rb.
func TestGrokSpecShorewall(t *testing.T) {
	const (
		withOut = "May 28 17:23:25 myHost kernel: [3124658.791874] Shorewall:FORWARD:REJECT:" +
			"IN=eth2 OUT=eth2 SRC=1.2.3.4 DST=192.168.0.10 LEN=141 TOS=0x00 PREC=0x00 TTL=63 ID=55251 PROTO=UDP SPT=5353 DPT=5335 LEN=121"
		withoutOut = "May 28 17:31:07 server Shorewall:net2fw:DROP:" +
			"IN=eth1 OUT= MAC=00:02:b3:c7:2f:77:38:72:c0:6e:92:9c:08:00 SRC=127.0.0.1 DST=1.2.3.4 LEN=60 TOS=0x00 PREC=0x00 TTL=49 ID=6480 DF PROTO=TCP SPT=59088 DPT=8080 WINDOW=2920 RES=0x00 SYN URGP=0"
	)
	const f = "shorewall"
	runGrokSpecs(t, []grokSpec{
		{file: f, name: "with OUT interface", pattern: "SHOREWALL", ecs: true, message: withOut, want: map[string]string{
			"timestamp": `"May 28 17:23:25"`,
			"observer":  `{"hostname":"myHost","ingress":{"interface":{"name":"eth2"}},"egress":{"interface":{"name":"eth2"}}}`,
			"shorewall": `{"firewall":{"type":"FORWARD","action":"REJECT"}}`,
			"iptables":  `{"length":141,"tos":"00","precedence_bits":"00","ttl":63,"id":"55251"}`,
			"network":   `{"transport":"UDP"}`, "source": `{"ip":"1.2.3.4","port":5353}`, "destination": `{"ip":"192.168.0.10","port":5335}`}},
		{file: f, name: "with OUT interface", pattern: "SHOREWALL", message: withOut, want: map[string]string{
			"timestamp": `"May 28 17:23:25"`, "nf_host": `"myHost"`, "nf_action1": `"FORWARD"`, "nf_action2": `"REJECT"`,
			"nf_in_interface": `"eth2"`, "nf_out_interface": `"eth2"`, "nf_src_ip": `"1.2.3.4"`, "nf_dst_ip": `"192.168.0.10"`,
			"nf_len": `"141"`, "nf_tos": `"0x00"`, "nf_prec": `"0x00"`, "nf_ttl": `"63"`, "nf_id": `"55251"`,
			"nf_protocol": `"UDP"`, "nf_src_port": `"5353"`, "nf_dst_port": `"5335"`}},
		{file: f, name: "without OUT interface", pattern: "SHOREWALL", ecs: true, message: withoutOut, want: map[string]string{
			"timestamp": `"May 28 17:31:07"`,
			"observer":  `{"hostname":"server","ingress":{"interface":{"name":"eth1"}}}`,
			"shorewall": `{"firewall":{"type":"net2fw","action":"DROP"}}`,
			"iptables": `{"length":60,"tos":"00","precedence_bits":"00","ttl":49,"id":"6480","fragment_flags":"DF",` +
				`"tcp":{"flags":"SYN ","window":2920},"tcp_reserved_bits":"00"}`,
			"network":     `{"transport":"TCP"}`,
			"source":      `{"ip":"127.0.0.1","port":59088,"mac":"38:72:c0:6e:92:9c"}`,
			"destination": `{"ip":"1.2.3.4","port":8080,"mac":"00:02:b3:c7:2f:77"}`}},
		{file: f, name: "without OUT interface", pattern: "SHOREWALL", message: withoutOut, absent: []string{"nf_out_interface"}, want: map[string]string{
			"timestamp": `"May 28 17:31:07"`, "nf_host": `"server"`, "nf_action1": `"net2fw"`, "nf_action2": `"DROP"`,
			"nf_in_interface": `"eth1"`, "nf_dst_mac": `"00:02:b3:c7:2f:77"`, "nf_src_mac": `"38:72:c0:6e:92:9c"`,
			"nf_src_ip": `"127.0.0.1"`, "nf_dst_ip": `"1.2.3.4"`, "nf_len": `"60"`, "nf_tos": `"0x00"`, "nf_prec": `"0x00"`,
			"nf_ttl": `"49"`, "nf_id": `"6480"`, "nf_protocol": `"TCP"`, "nf_src_port": `"59088"`, "nf_dst_port": `"8080"`}},
	})
}
