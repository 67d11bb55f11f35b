package refiqda

import "encoding/xml"

// The namespaces of the two document types.
const (
	projectNS  = "urn:QDA-XML:project:1.0"
	codebookNS = "urn:QDA-XML:codebook:1.0"
)

// The x* types mirror the schema for encoding/xml. Reading uses them
// without namespaces (any namespace matches, which is lenient); writing sets
// the namespace on the root and relies on field order for the element order
// the schema's sequences require. Every value is a string so that the
// reader, not encoding/xml, decides what to accept.

type xProject struct {
	XMLName           xml.Name
	Name              string      `xml:"name,attr"`
	Origin            string      `xml:"origin,attr,omitempty"`
	CreatingUserGUID  string      `xml:"creatingUserGUID,attr,omitempty"`
	CreationDateTime  string      `xml:"creationDateTime,attr,omitempty"`
	ModifyingUserGUID string      `xml:"modifyingUserGUID,attr,omitempty"`
	ModifiedDateTime  string      `xml:"modifiedDateTime,attr,omitempty"`
	BasePath          string      `xml:"basePath,attr,omitempty"`
	Users             *xUsers     `xml:"Users"`
	CodeBook          *xCodeBook  `xml:"CodeBook"`
	Variables         *xVariables `xml:"Variables"`
	Cases             *xCases     `xml:"Cases"`
	Sources           *xSources   `xml:"Sources"`
	Notes             *xNotes     `xml:"Notes"`
	Links             *xLinks     `xml:"Links"`
	Sets              *xSets      `xml:"Sets"`
	Graphs            *xGraphs    `xml:"Graphs"`
	Description       string      `xml:"Description,omitempty"`
	NoteRefs          []xRef      `xml:"NoteRef"`
}

type xUsers struct {
	User []xUser `xml:"User"`
}

type xUser struct {
	GUID string `xml:"guid,attr"`
	Name string `xml:"name,attr,omitempty"`
	ID   string `xml:"id,attr,omitempty"`
}

type xCodeBook struct {
	Codes xCodes `xml:"Codes"`
}

type xCodes struct {
	Code []xCode `xml:"Code"`
}

type xCode struct {
	GUID        string  `xml:"guid,attr"`
	Name        string  `xml:"name,attr"`
	IsCodable   string  `xml:"isCodable,attr"`
	Color       string  `xml:"color,attr,omitempty"`
	Description string  `xml:"Description,omitempty"`
	NoteRefs    []xRef  `xml:"NoteRef"`
	Code        []xCode `xml:"Code"`
}

type xVariables struct {
	Variable []xVariable `xml:"Variable"`
}

type xVariable struct {
	GUID           string `xml:"guid,attr"`
	Name           string `xml:"name,attr"`
	TypeOfVariable string `xml:"typeOfVariable,attr"`
	Description    string `xml:"Description,omitempty"`
}

type xVariableValue struct {
	VariableRef   xRef    `xml:"VariableRef"`
	TextValue     *string `xml:"TextValue"`
	BooleanValue  *string `xml:"BooleanValue"`
	IntegerValue  *string `xml:"IntegerValue"`
	FloatValue    *string `xml:"FloatValue"`
	DateValue     *string `xml:"DateValue"`
	DateTimeValue *string `xml:"DateTimeValue"`
}

type xCases struct {
	Case []xCase `xml:"Case"`
}

type xCase struct {
	GUID          string           `xml:"guid,attr"`
	Name          string           `xml:"name,attr,omitempty"`
	Description   string           `xml:"Description,omitempty"`
	CodeRefs      []xRef           `xml:"CodeRef"`
	Values        []xVariableValue `xml:"VariableValue"`
	SourceRefs    []xRef           `xml:"SourceRef"`
	SelectionRefs []xRef           `xml:"SelectionRef"`
}

// xSources keeps text sources apart from the kinds this package does not
// model; the writer writes only TextSource.
type xSources struct {
	TextSource    []xTextSource  `xml:"TextSource"`
	PictureSource []xOtherSource `xml:"PictureSource"`
	PDFSource     []xOtherSource `xml:"PDFSource"`
	AudioSource   []xOtherSource `xml:"AudioSource"`
	VideoSource   []xOtherSource `xml:"VideoSource"`
}

type xTextSource struct {
	GUID             string           `xml:"guid,attr"`
	Name             string           `xml:"name,attr,omitempty"`
	RichTextPath     string           `xml:"richTextPath,attr,omitempty"`
	PlainTextPath    string           `xml:"plainTextPath,attr,omitempty"`
	CreatingUser     string           `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string           `xml:"creationDateTime,attr,omitempty"`
	ModifyingUser    string           `xml:"modifyingUser,attr,omitempty"`
	ModifiedDateTime string           `xml:"modifiedDateTime,attr,omitempty"`
	Description      string           `xml:"Description,omitempty"`
	PlainTextContent *string          `xml:"PlainTextContent"`
	Selections       []xSelection     `xml:"PlainTextSelection"`
	Codings          []xCoding        `xml:"Coding"`
	NoteRefs         []xRef           `xml:"NoteRef"`
	Values           []xVariableValue `xml:"VariableValue"`
}

type xSelection struct {
	GUID             string    `xml:"guid,attr"`
	Name             string    `xml:"name,attr,omitempty"`
	StartPosition    string    `xml:"startPosition,attr"`
	EndPosition      string    `xml:"endPosition,attr"`
	CreatingUser     string    `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string    `xml:"creationDateTime,attr,omitempty"`
	ModifyingUser    string    `xml:"modifyingUser,attr,omitempty"`
	ModifiedDateTime string    `xml:"modifiedDateTime,attr,omitempty"`
	Description      string    `xml:"Description,omitempty"`
	Codings          []xCoding `xml:"Coding"`
	NoteRefs         []xRef    `xml:"NoteRef"`
}

type xCoding struct {
	GUID             string `xml:"guid,attr"`
	CreatingUser     string `xml:"creatingUser,attr,omitempty"`
	CreationDateTime string `xml:"creationDateTime,attr,omitempty"`
	CodeRef          xRef   `xml:"CodeRef"`
	NoteRefs         []xRef `xml:"NoteRef"`
}

// xOtherSource is read only to report what was skipped.
type xOtherSource struct {
	GUID             string     `xml:"guid,attr"`
	Name             string     `xml:"name,attr"`
	Path             string     `xml:"path,attr"`
	PictureSelection []struct{} `xml:"PictureSelection"`
	PDFSelection     []struct{} `xml:"PDFSelection"`
	AudioSelection   []struct{} `xml:"AudioSelection"`
	VideoSelection   []struct{} `xml:"VideoSelection"`
	Coding           []struct{} `xml:"Coding"`
	Representations  []struct{} `xml:"Representation"`
	Transcripts      []struct{} `xml:"Transcript"`
}

type xNotes struct {
	Note []xTextSource `xml:"Note"`
}

type xLinks struct {
	Link []xLink `xml:"Link"`
}

type xLink struct {
	GUID       string `xml:"guid,attr"`
	Name       string `xml:"name,attr,omitempty"`
	Direction  string `xml:"direction,attr,omitempty"`
	Color      string `xml:"color,attr,omitempty"`
	OriginGUID string `xml:"originGUID,attr,omitempty"`
	TargetGUID string `xml:"targetGUID,attr,omitempty"`
	NoteRefs   []xRef `xml:"NoteRef"`
}

type xSets struct {
	Set []xSet `xml:"Set"`
}

type xSet struct {
	GUID          string `xml:"guid,attr"`
	Name          string `xml:"name,attr"`
	Description   string `xml:"Description,omitempty"`
	MemberCodes   []xRef `xml:"MemberCode"`
	MemberSources []xRef `xml:"MemberSource"`
	MemberNotes   []xRef `xml:"MemberNote"`
}

// xGraphs is read only to report what was skipped; the writer never sets it.
type xGraphs struct {
	Graph []struct {
		GUID string `xml:"guid,attr"`
	} `xml:"Graph"`
}

type xRef struct {
	TargetGUID string `xml:"targetGUID,attr"`
}

// The codebook (.qdc) document.

type xCodebookDoc struct {
	XMLName xml.Name
	Origin  string    `xml:"origin,attr,omitempty"`
	Codes   xCodes    `xml:"Codes"`
	Sets    *xQDCSets `xml:"Sets"`
}

type xQDCSets struct {
	Set []xQDCSet `xml:"Set"`
}

type xQDCSet struct {
	GUID        string       `xml:"guid,attr"`
	Name        string       `xml:"name,attr"`
	Description string       `xml:"Description,omitempty"`
	MemberCodes []xMemberRef `xml:"MemberCode"`
}

type xMemberRef struct {
	GUID string `xml:"guid,attr"`
}
