package synth

import "strings"

// The vocabularies below are ranked roughly by how often they occur in
// interviews with entrepreneurs and officials about industrial clusters.
// Rank decides frequency: a word's probability falls as 1/rank^s.

// funcWords are English function words and fillers, the most frequent tokens
// of any transcript. Many are stop words, which is realistic for the index.
var funcWords = fields(`
the and to of a i we in that it was is they you so but for on with
this have there not be at as our had were what are if or all do about
from my just like because very when me them would can then some their
one more by no out up he she his her us also which who been did how
than only into now these those well even still here really much many
most other after before over again any could should will may might
through between during while although however yes okay actually maybe
`)

// contentWords are general English content words.
var contentWords = fields(`
people time year years think know said say thing things way work lot
good new first government business market factory company local first
work working worked make made making get got go went come came see saw
look looked find found give gave take took keep kept become became
change changed changes different important big small old hard easy last
next same whole real early late later ago always never sometimes often
usually perhaps basically probably certainly mainly especially together
around against under since therefore family friend friends money price
prices cost costs order orders customer customers product products
quality problem problems question questions help helped difficult
difficulty difficulties opportunity opportunities risk risks decision
decisions reason reasons experience experiences situation case cases
place places day days month months week weeks life story stories child
children son daughter father mother brother village town city county
township province provincial central region regional national country
world job jobs pay paid wage wages income start started starting begin
began open opened close closed sell sold selling buy bought buying build
built building try tried trying need needed want wanted feel felt tell
told ask asked call called move moved moving leave left stay stayed
level levels number numbers part parts group groups system systems idea
ideas reform reforms office officer period stage stages side sides
area areas land rent tax taxes fee fees rule rules law laws result
results effect effects support supported supporting trust trusted
relation relations relationship relationships contact contacts meeting
meetings contract contracts agreement agreements standard standards
design designs brand brands equipment machine machines technology
technologies skill skills training trained learn learned learning
knowledge information exchange exchanged visit visited visits
`)

// domainWords are the vocabulary of cluster and entrepreneurship research;
// inflected forms are listed so that stemming matters.
var domainWords = fields(`
cluster clusters clustering clustered entrepreneur entrepreneurs
entrepreneurial entrepreneurship firm firms supplier suppliers supply
chain chains export exports exporting exporter exporters subsidy
subsidies loan loans bank banks credit finance financing workers worker
migrant migrants labour labor shortage upgrading upgrade upgraded
innovation innovate innovative policy policies official officials cadre
cadres association associations chamber commerce network networks
guanxi relatives partner partners competition competitor competitors
competitive cooperation cooperate cooperative organise organised
organising organisation organisations organize organized organizing
organization production produce produced producing manufacturer
manufacturers manufacturing shoes garments textile textiles electronics
furniture ceramics toys lighting hardware mould moulds plastics
component components assembly buyer buyers trader traders platform
online ecommerce logistics port warehouse park zone industrial district
regulation regulations environmental inspection inspections pollution
relocate relocated relocation inland coastal crisis downturn growth
boom recession demand overseas foreign domestic private collective
venture manager managers owner owners boss founder founded enterprise
enterprises scale imitation copying spillover spillovers agglomeration
specialisation specialization subcontract subcontracting subcontractor
subcontractors outsourcing informal formal institution institutions
investment invest invested investor investors capital profit profits
margin margins registration licence permit permits incentive incentives
`)

// phrases are multi-word expressions that recur in the texts and make good
// phrase queries.
var phrases = []string{
	"industrial cluster", "local government", "supply chain", "trade association",
	"migrant workers", "chamber of commerce", "state-owned enterprise",
	"private firms", "export orders", "the financial crisis", "land use rights",
	"township and village enterprises", "industrial upgrading", "bank loans",
	"in the end", "at that time", "the local officials", "quality standards",
	"economies of scale", "knowledge spillovers", "the industrial park",
	"foreign buyers", "labour shortage", "environmental inspections",
}

// fillers are what transcribers write for speech that is not words.
var fillers = []string{
	"um,", "uh,", "you know,", "I mean,", "[laughs]", "[pause]", "(inaudible)",
	"[crosstalk]", "well,", "right,",
}

// zhWords are Chinese words, most frequent first.
var zhWords = fields(`
的 是 我们 在 了 这个 一个 就 也 都 有 没有 不 很 还 说 企业 政府
当时 后来 现在 以前 所以 因为 但是 其实 比较 非常 觉得 知道 认为
产业集群 地方政府 工厂 老板 工人 农民工 出口 订单 市场 价格 成本
利润 补贴 贷款 银行 技术 创新 升级 转型 政策 官员 商会 协会 关系
信任 家族 亲戚 合作 竞争 同行 供应商 客户 质量 品牌 设计 设备 土地
租金 税收 环保 检查 搬迁 内地 沿海 危机 经济 发展 增长 需求 国外
国内 国有 民营 外资 集体 合资 创业 企业家 创业者 学习 模仿 知识
分工 外包 代工 加工 生产 产品 鞋子 服装 纺织 电子 家具 陶瓷 玩具
灯饰 五金 模具 塑料 配件 组装 采购商 贸易商 平台 电商 物流 港口
仓库 工业园 开发区 镇上 村里 县里 省里 东莞 温州 深圳 苏州 义乌
佛山 晋江 昆山 一直 已经 还是 如果 虽然 开始 做 搞 找 给 让 帮
需要 可以 应该 能 会 要 大 小 多 少 好 难 新 老 人 钱 事情 问题 机会
风险 办法 时候 地方 方面 情况 这样 那样 怎么 什么 为什么 大家 自己
他们 你们 那个 一些 每年 几年 十年 第一 主要 特别 基本上 一般
`)

// regions are where the synthetic studies took place.
var regions = []string{"Dongguan", "Wenzhou", "Shenzhen", "Suzhou", "Yiwu", "Foshan", "Jinjiang", "Kunshan"}

// regionsZH are the regions' Chinese names, by the same index.
var regionsZH = []string{"东莞", "温州", "深圳", "苏州", "义乌", "佛山", "晋江", "昆山"}

// firmTypes are the values of the firm_type attribute.
var firmTypes = []string{"private", "state-owned", "foreign", "collective", "joint-venture"}

// industries are what the firms make.
var industries = []string{"shoes", "garments", "electronics", "furniture", "ceramics", "toys", "lighting", "hardware", "moulds", "textiles"}

// surnames are interviewees' family names, romanised; surnamesZH are the same
// names in Chinese characters.
var (
	surnames   = []string{"Lin", "Wang", "Chen", "Zhang", "Li", "Huang", "Zhou", "Wu", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Gao", "Luo", "Liang", "Song", "Zheng"}
	surnamesZH = []string{"林", "王", "陈", "张", "李", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "罗", "梁", "宋", "郑"}
)

// emoji occasionally appear in transcripts of chat-based interviews; all are
// outside the Basic Multilingual Plane.
var emoji = []string{"😀", "👍", "🙏", "😂", "🏭"}

// syllable parts for the long tail of rare words (names, places, jargon).
var (
	onsets = []string{"b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "ch", "cl", "dr", "fr", "gr", "pl", "pr", "sh", "st", "th", "tr"}
	nuclei = []string{"a", "e", "i", "o", "u", "ai", "ea", "io", "ou"}
	codas  = []string{"", "n", "r", "s", "l", "m", "st", "nd"}
)

func fields(s string) []string { return strings.Fields(s) }
